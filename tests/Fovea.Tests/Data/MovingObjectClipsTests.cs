using Fovea.Data;
using Xunit;

namespace Fovea.Tests.Data;

/// <summary>
/// The generated clip task: deterministic for a seed, balanced classes, different splits, and labels that say what
/// the pixels do: the bright square's centroid moves by the class's velocity every frame (checked by thresholding
/// the frames, an oracle independent of how the generator draws).
/// </summary>
public sealed class MovingObjectClipsTests
{
    [Fact]
    public void Generate_SameSeed_SameClipsBitForBit_OtherSeedDiffers()
    {
        var a = MovingObjectClips.Generate(16, frames: 6, size: 20, seed: 3);
        var b = MovingObjectClips.Generate(16, frames: 6, size: 20, seed: 3);
        var c = MovingObjectClips.Generate(16, frames: 6, size: 20, seed: 4);
        Assert.Equal(new Tensors.Shape(16, 1, 6, 20, 20), a.Features.Shape);
        Assert.Equal(a.Features.ToArray(), b.Features.ToArray());
        Assert.Equal(a.Labels.ToArray(), b.Labels.ToArray());
        Assert.NotEqual(a.Features.ToArray(), c.Features.ToArray());
        var (train, test) = MovingObjectClips.Load(trainCount: 16, testCount: 16, frames: 6, size: 20);
        Assert.NotEqual(train.Features.ToArray(), test.Features.ToArray());
    }

    [Fact]
    public void Generate_ClassesBalancedAndNamed_ValuesInUnitRange()
    {
        var d = MovingObjectClips.Generate(40, frames: 4, size: 16);
        Assert.All(Enumerable.Range(0, 8), k => Assert.Equal(5, d.Labels.ToArray().Count(l => l == k)));
        Assert.Equal(["right_slow", "right_fast", "left_slow", "left_fast", "down_slow", "down_fast", "up_slow",
            "up_fast"], d.ClassNames);
        Assert.All(d.Features.ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    /// <summary>Noise-free clips: the bright pixels' centroid moves by exactly the label's velocity per frame.
    /// </summary>
    [Fact]
    public void Generate_CentroidMovesByTheLabelsVelocity()
    {
        const int frames = 8, size = 32, count = 64;
        var d = MovingObjectClips.Generate(count, frames, size, noise: 0, seed: 7);
        var x = d.Features.ToArray();
        var labels = d.Labels.ToArray();
        for (int i = 0; i < count; i++)
        {
            var (dy, dx) = MovingObjectClips.Velocity((int)labels[i]);
            var first = Centroid(x.AsSpan(i * frames * size * size, size * size), size);
            for (int t = 1; t < frames; t++)
            {
                var c = Centroid(x.AsSpan((i * frames + t) * size * size, size * size), size);
                Assert.Equal(first.Y + dy * t, c.Y, 9);
                Assert.Equal(first.X + dx * t, c.X, 9);
            }
        }
    }

    /// <summary>
    /// The noise is drawn whatever its size, so a noisy clip is the noise-free scene of the same seed plus noise: the
    /// difference has mean absolute value near σ·√(2/π) ≈ 0.064 for σ = 0.08 (a bit less where clamping at 0 cuts it).
    /// </summary>
    [Fact]
    public void Generate_Noise_IsAddedToTheSameScene()
    {
        var clean = MovingObjectClips.Generate(16, 8, 32, noise: 0, seed: 9).Features.ToArray();
        var noisy = MovingObjectClips.Generate(16, 8, 32, noise: 0.08f, seed: 9).Features.ToArray();
        double meanAbs = clean.Zip(noisy, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanAbs, 0.04, 0.07);
    }

    [Fact]
    public void Velocity_IsDirectionTimesSpeed()
    {
        Assert.Equal((0, 1), MovingObjectClips.Velocity(0));
        Assert.Equal((0, -2), MovingObjectClips.Velocity(3));
        Assert.Equal((2, 0), MovingObjectClips.Velocity(5));
        Assert.Equal((-1, 0), MovingObjectClips.Velocity(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => MovingObjectClips.Velocity(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => MovingObjectClips.Generate(8, frames: 8, size: 16));
    }

    /// <summary>Mean (row, column) of the pixels above 0.45.</summary>
    private static (double Y, double X) Centroid(ReadOnlySpan<float> frame, int size)
    {
        double sy = 0, sx = 0;
        int n = 0;
        for (int p = 0; p < frame.Length; p++)
        {
            if (frame[p] > 0.45f)
            {
                sy += p / size;
                sx += p % size;
                n++;
            }
        }
        Assert.True(n >= 9, $"only {n} bright pixels");
        return (sy / n, sx / n);
    }
}
