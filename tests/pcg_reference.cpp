// Reference outputs of pcg32 and pcg64 from the PCG authors' own header pcg_random.hpp
// (Debian's libpcg-cpp-dev), printed for tests/test_rng.c to replay with sim/rng.c.
//
// One line per case: "<pcg32|pcg64> <initstate hex> <initseq hex> <op> <op> ..." where an op is
//   n=<hex>        the next raw output, operator()()
//   a=<decimal>    jump by a signed delta: advance(d) for d >= 0, backstep(-d) for d < 0
//   b=<hex>:<hex>  operator()(bound), i.e. pcg_extras::bounded_rand: bound, then the value
// Numbers are hexadecimal without a prefix (128-bit values for pcg64), deltas are decimal.
#include <pcg_random.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace
{

typedef pcg_extras::pcg128_t u128;

u128 make128(uint64_t hi, uint64_t lo)
{
    return (u128(hi) << 64) | u128(lo);
}

std::string hex(u128 v)
{
    static const char digits[] = "0123456789abcdef";
    std::string s;
    do {
        s.insert(s.begin(), digits[unsigned(v & 15u)]);
        v >>= 4;
    } while (v != 0u);
    return s;
}

struct step {
    char kind;     // 'n' next, 'a' advance/backstep, 'b' bounded
    int64_t delta; // for 'a'
    uint64_t bound;
};

// The op list of every case: raw outputs, forward and backward jumps (back past the start of the
// case too, and by nearly 2^63 both ways); pcg64 adds bounded draws (sim/rng.c has no 32-bit ones).
std::vector<step> ops(bool wide)
{
    std::vector<step> s;
    for (int i = 0; i < 6; i++)
        s.push_back({'n', 0, 0});
    s.push_back({'a', 1, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', 1000, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', 123457, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', -5, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', -124470, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', -1000000007, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', INT64_C(987654321987), 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', INT64_MAX, 0});
    s.push_back({'n', 0, 0});
    s.push_back({'a', INT64_MIN + 1, 0});
    s.push_back({'n', 0, 0});
    if (wide) {
        // 1, a power of two, awkward small values, and large bounds whose rejection threshold
        // 2^64 mod bound is a third and nearly a half of all outputs.
        const uint64_t bounds[] = {
            1u, 7u, 64u, 1000003u, 0x80000001u, 0xaaaaaaaaaaaaaaabULL, 0x8000000000000001ULL};
        for (uint64_t b : bounds)
            for (int i = 0; i < 4; i++)
                s.push_back({'b', 0, b});
        s.push_back({'n', 0, 0});
    }
    return s;
}

template <typename Rng, typename Itype>
void run(const char *name, Itype initstate, Itype initseq, const std::vector<step> &list)
{
    Rng rng(initstate, initseq);
    std::printf("%s %s %s", name, hex(u128(initstate)).c_str(), hex(u128(initseq)).c_str());
    for (const step &s : list) {
        if (s.kind == 'n') {
            std::printf(" n=%s", hex(u128(rng())).c_str());
        } else if (s.kind == 'a') {
            if (s.delta >= 0)
                rng.advance(Itype(s.delta));
            else
                rng.backstep(Itype(-(s.delta + 1)) + 1u); // -delta without overflow at INT64_MIN+1
            std::printf(" a=%lld", (long long)s.delta);
        } else {
            auto v = rng(typename Rng::result_type(s.bound));
            std::printf(" b=%s:%s", hex(u128(s.bound)).c_str(), hex(u128(v)).c_str());
        }
    }
    std::printf("\n");
}

} // namespace

int main()
{
    struct pair64 {
        uint64_t state, seq;
    };
    // The PCG demo's own 42/54, zero, all-ones, and awkward mixed values.
    const pair64 p32[] = {{42u, 54u},
                          {0u, 0u},
                          {0xdeadbeefcafeULL, 7u},
                          {0xffffffffffffffffULL, 0xffffffffffffffffULL},
                          {0x853c49e6748fea9bULL, 0xda3e39cb94b95bdbULL},
                          {2385u, 0x8000000000000000ULL}};
    for (const pair64 &p : p32)
        run<pcg32, uint64_t>("pcg32", p.state, p.seq, ops(false));

    struct pair128 {
        u128 state, seq;
    };
    const pair128 p64[] = {
        {42u, 54u},
        {0u, 0u},
        {0xdeadbeefcafeULL, 7u},
        {make128(0x0123456789abcdefULL, 0xfedcba9876543210ULL),
         make128(0xa5a5a5a5a5a5a5a5ULL, 0x5a5a5a5a5a5a5a5aULL)},
        {~u128(0), ~u128(0)},
        {make128(0x8000000000000000ULL, 1u), make128(0x7fffffffffffffffULL, 0xffffffffffffffffULL)},
        {make128(0x2385u, 0x9e3779b97f4a7c15ULL), make128(1u, 0u)}};
    for (const pair128 &p : p64)
        run<pcg64, u128>("pcg64", p.state, p.seq, ops(true));
    return 0;
}
