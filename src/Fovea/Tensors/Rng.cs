using System.Runtime.CompilerServices;

namespace Fovea.Tensors;

/// <summary>
/// A small, fast, seedable random generator (xoshiro256**, seeded through SplitMix64). The same seed gives the
/// same sequence on every machine and .NET version, which <see cref="System.Random"/> does not promise.
/// Not thread-safe: each model and each data loader owns one.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    public Rng(long seed) => Reseed(seed);

    /// <summary>Restarts the generator as if it had just been created with <paramref name="seed"/> (no allocation;
    /// the data loader gives every sample its own stream this way).</summary>
    internal void Reseed(long seed)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _hasSpare = false;
        _spareNormal = 0;
    }

    /// <summary>A well-mixed seed for stream <paramref name="stream"/> of a family keyed by <paramref name="key"/>
    /// (two SplitMix64 rounds, so neighbouring streams share nothing).</summary>
    internal static long StreamSeed(ulong key, long stream)
    {
        ulong x = key ^ 0xD1B54A32D192ED03UL;
        ulong k = SplitMix(ref x);
        ulong y = k + (ulong)stream * 0x9E3779B97F4A7C15UL;
        return (long)SplitMix(ref y);
    }

    /// <summary>An independent generator derived from this one (for a sub-component that needs its own stream).</summary>
    public Rng Fork() => new((long)NextUInt64());

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 bits of precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);
    }

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        _hasSpare = true;
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>
    /// A Gamma(<paramref name="shape"/>, 1) sample (Marsaglia and Tsang's method; shapes below 1 use the boost
    /// Gamma(a) = Gamma(a + 1)·U^(1/a)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not a positive finite number.
    /// </exception>
    public double NextGamma(double shape)
    {
        if (!(shape > 0) || !double.IsFinite(shape))
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "a Gamma shape must be positive and finite");
        if (shape < 1)
            return NextGamma(shape + 1) * Math.Pow(1.0 - NextDouble(), 1.0 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = NextNormal(), v = 1 + c * x;
            if (v <= 0)
                continue;
            v = v * v * v;
            double u = 1.0 - NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
                return d * v;
        }
    }

    /// <summary>A Beta(<paramref name="a"/>, <paramref name="b"/>) sample in [0, 1] (MixUp and CutMix draw their
    /// mixing weight from Beta(α, α)), as Ga / (Ga + Gb) of two Gamma samples.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not a positive finite number.</exception>
    public double NextBeta(double a, double b)
    {
        double x = NextGamma(a), y = NextGamma(b);
        return x + y > 0 ? x / (x + y) : (NextDouble() < a / (a + b) ? 1 : 0);
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>The generator's state, for checkpoints.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, BitConverter.DoubleToUInt64Bits(_spareNormal), _hasSpare ? 1UL : 0UL];

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6)
            throw new ArgumentException($"an Rng state has 6 words, received {state.Length}");
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareNormal = BitConverter.UInt64BitsToDouble(state[4]);
        _hasSpare = state[5] != 0;
    }
}
