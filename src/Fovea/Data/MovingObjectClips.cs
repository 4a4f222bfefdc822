using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// A generated video task: in each clip a bright square moves across a noisy background in a straight line, and the
/// class is its direction × speed (right, left, down, up × 1 or 2 pixels per frame: 8 classes, label =
/// 2·direction + speed index, see <see cref="ClassNames"/>). One frame alone cannot tell the classes apart; the
/// motion over time can, so it exercises 3-D convolutions (the walkthrough's Part 6.4).
/// </summary>
/// <remarks>
/// <para>Clips are [N, 1, T, H, W] floats (channels first, T = time), about 0–0.1 background plus Gaussian noise
/// (σ = <c>noise</c>), the square (side 3 to 6, brightness 0.7 to 1) added on top, and clamped to [0, 1]. The start
/// position is drawn so that the whole path stays inside the frame. Classes are balanced (clip i has class i mod 8)
/// and everything is drawn from one <see cref="Rng"/> seeded with <c>seed</c>: the same arguments give the same
/// clips, bit for bit, on every machine.</para>
/// <para><see cref="Load"/> makes the training and test splits from two different seeds, so they share no clip.</para>
/// </remarks>
/// <example><code>
/// var (train, test) = MovingObjectClips.Load(trainCount: 4000, testCount: 1000, frames: 8, size: 32);
/// // train.Features: [4000, 1, 8, 32, 32]; train.Labels: [4000] in 0..7
/// </code></example>
public static class MovingObjectClips
{
    /// <summary>Unit steps (dy, dx) of the four directions, indexed like the class names.</summary>
    private static readonly (int Dy, int Dx)[] s_directions = [(0, 1), (0, -1), (1, 0), (-1, 0)];

    /// <summary>Pixels per frame of the two speeds.</summary>
    private static readonly int[] s_speeds = [1, 2];

    /// <summary>The 8 class names, indexed by label: right_slow, right_fast, left_slow, ..., up_fast.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        [.. new[] { "right", "left", "down", "up" }.SelectMany(d => new[] { $"{d}_slow", $"{d}_fast" })];

    /// <summary>The motion of class <paramref name="label"/>: pixels per frame down (dy) and right (dx).</summary>
    public static (int Dy, int Dx) Velocity(int label)
    {
        if ((uint)label >= 8)
            throw new ArgumentOutOfRangeException(nameof(label), $"expected a class in 0..7, received {label}");
        var (dy, dx) = s_directions[label / 2];
        int speed = s_speeds[label % 2];
        return (dy * speed, dx * speed);
    }

    /// <summary>The training and test splits, generated from <paramref name="seed"/> and a second seed derived from
    /// it.</summary>
    public static (Dataset Train, Dataset Test) Load(int trainCount = 4000, int testCount = 1000, int frames = 8,
        int size = 32, float noise = 0.08f, int seed = 0) =>
        (Generate(trainCount, frames, size, noise, seed), Generate(testCount, frames, size, noise, seed ^ 0x5EED1E5));

    /// <summary>
    /// <paramref name="count"/> clips [count, 1, frames, size, size] with labels [count] (class i mod 8 for clip i).
    /// </summary>
    /// <param name="count">Number of clips.</param>
    /// <param name="frames">Frames per clip (T), at least 2.</param>
    /// <param name="size">Frame height and width; the fast path (2·(frames − 1) pixels) plus the square must
    /// fit.</param>
    /// <param name="noise">Standard deviation of the background noise.</param>
    /// <param name="seed">Seed of the generator.</param>
    public static Dataset Generate(int count, int frames = 8, int size = 32, float noise = 0.08f, int seed = 0)
    {
        if (count <= 0)
            throw new ArgumentOutOfRangeException(nameof(count), $"expected a positive count, received {count}");
        if (frames < 2)
            throw new ArgumentOutOfRangeException(nameof(frames), $"expected at least 2 frames, received {frames}");
        if (size < 2 * (frames - 1) + 7)
        {
            throw new ArgumentOutOfRangeException(nameof(size),
                $"a {size}×{size} frame cannot hold the fast path of {frames} frames ({2 * (frames - 1)} pixels) and " +
                $"a square of up to 6; use a size of at least {2 * (frames - 1) + 7}");
        }
        if (noise < 0)
            throw new ArgumentOutOfRangeException(nameof(noise), $"expected noise >= 0, received {noise}");
        var rng = new Rng(seed);
        int frameSize = size * size;
        var x = new float[count * frames * frameSize];
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 8;
            y[i] = label;
            Draw(x.AsSpan(i * frames * frameSize, frames * frameSize), label, frames, size, noise, rng);
        }
        return new Dataset(Tensor.Wrap(x, [count, 1, frames, size, size]), Tensor.Wrap(y, [count]), ClassNames);
    }

    /// <summary>One clip [T, size, size] of class <paramref name="label"/>.</summary>
    private static void Draw(Span<float> clip, int label, int frames, int size, float noise, Rng rng)
    {
        var (dy, dx) = Velocity(label);
        int side = 3 + rng.NextInt(4);
        float brightness = 0.7f + 0.3f * rng.NextFloat();
        float background = 0.1f * rng.NextFloat();
        // Start so that every frame's square lies inside: along an axis the path covers |d|·(T − 1) pixels.
        int y0 = StartOn(dy, frames, size, side, rng);
        int x0 = StartOn(dx, frames, size, side, rng);
        for (int t = 0; t < frames; t++)
        {
            var frame = clip.Slice(t * size * size, size * size);
            for (int p = 0; p < frame.Length; p++)
                frame[p] = background + noise * (float)rng.NextNormal();
            int top = y0 + dy * t, left = x0 + dx * t;
            for (int r = top; r < top + side; r++)
            {
                for (int c = left; c < left + side; c++)
                    frame[r * size + c] += brightness;
            }
            for (int p = 0; p < frame.Length; p++)
                frame[p] = Math.Clamp(frame[p], 0f, 1f);
        }
    }

    private static int StartOn(int step, int frames, int size, int side, Rng rng)
    {
        int travel = Math.Abs(step) * (frames - 1);
        int start = rng.NextInt(size - side - travel + 1);
        return step < 0 ? start + travel : start;
    }
}
