namespace NanoBackprop
{
    // The network's PRNG.
    public sealed partial class Network
    {
        // Advances the PRNG and returns the new state.
        private uint NextRandom()
        {
            randomState = Xorshift(randomState);
            return randomState;
        }

        // xorshift32 (Marsaglia 2003): integer only, so every platform draws the same sequence.
        // UpdateRowStochastic inlines it (marked "= Xorshift(state)").
        internal static uint Xorshift(uint x)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            return x;
        }

        // Mixes the seed (a 32-bit finaliser in the style of MurmurHash3) so that nearby seeds start
        // far apart; xorshift32's state must not be 0.
        private static uint SeedToState(int seed)
        {
            uint h = (uint)seed ^ 0x9E3779B9u;
            h ^= h >> 16;
            h *= 0x85EBCA6Bu;
            h ^= h >> 13;
            h *= 0xC2B2AE35u;
            h ^= h >> 16;
            return h == 0 ? 0x6D2B79F5u : h;
        }
    }
}
