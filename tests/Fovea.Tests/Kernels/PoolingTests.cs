using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>The fast pooling paths against <see cref="ReferencePooling"/>: exact equality (max selects values).</summary>
public class PoolingTests
{
    public static TheoryData<int, int> Sizes => new() { { 4, 4 }, { 28, 28 }, { 14, 14 }, { 33, 64 }, { 7, 70 }, { 6, 96 }, { 16, 16 }, { 9, 17 }, { 8, 48 }, { 5, 40 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Max2x2_ForwardAndBackward_MatchReference(int h, int w)
    {
        var g = new PoolGeometry(2, 3, h, w, 2, 2, 2, 2, 0, 0, 0, 0);
        var rng = new Rng(h * 100 + w);
        var x = new float[2 * 3 * h * w];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextInt(7) - 3; // few distinct values: many ties inside windows
        var dy = new float[2 * 3 * g.OH * g.OW];
        for (int i = 0; i < dy.Length; i++)
            dy[i] = (float)rng.NextNormal();
        var y = new float[dy.Length];
        var yRef = new float[dy.Length];
        Pooling.MaxForward(x, y, g);
        ReferencePooling.MaxForward(x, yRef, g, 0, 6);
        Assert.Equal(yRef, y);
        var dx = new float[x.Length];
        var dxRef = new float[x.Length];
        Pooling.MaxBackward(x, dy, dx, g);
        ReferencePooling.MaxBackward(x, dy, dxRef, g, 0, 6);
        Assert.Equal(dxRef, dx);
    }

    [Fact]
    public void Max2x2_NaNWinsAndRoutesToTheNaN()
    {
        var g = new PoolGeometry(1, 1, 2, 32, 2, 2, 2, 2, 0, 0, 0, 0);
        var x = new float[64];
        x[33] = float.NaN; // second row, second column: window 0
        var y = new float[16];
        Pooling.MaxForward(x, y, g);
        Assert.True(float.IsNaN(y[0]));
        var dy = Enumerable.Repeat(1f, 16).ToArray();
        var dx = new float[64];
        Pooling.MaxBackward(x, dy, dx, g);
        Assert.Equal(1f, dx[33]);
        Assert.Equal(0f, dx[0]);
    }

    public static TheoryData<int, int, int, int, int, int, int> Windows => new()
    {
        // h, w, kernel, stride, padTop/Left, padBottom/Right, seed: ResNet's 3×3/2 pad 1 stem pool (even and odd
        // sizes), unpadded 3×3/2 (Inception), 3×3/1 pad 1, 2×2/1, 5×5/3, a row wider than one vector, tiny planes.
        { 112, 112, 3, 2, 1, 1, 1 }, { 113, 57, 3, 2, 1, 1, 2 }, { 35, 35, 3, 2, 0, 0, 3 }, { 17, 40, 3, 1, 1, 1, 4 },
        { 9, 33, 2, 1, 0, 0, 5 }, { 23, 70, 5, 3, 2, 1, 6 }, { 3, 3, 3, 2, 1, 1, 7 }, { 2, 5, 2, 2, 0, 1, 8 },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void MaxAnyWindow_ForwardMatchesReference(int h, int w, int k, int stride, int padBefore, int padAfter, int seed)
    {
        var g = new PoolGeometry(2, 3, h, w, k, k, stride, stride, padBefore, padBefore, padAfter, padAfter);
        var rng = new Rng(seed);
        var x = new float[2 * 3 * h * w];
        for (int i = 0; i < x.Length; i++)
            x[i] = i % 5 == 0 ? rng.NextInt(7) - 3 : (float)rng.NextNormal(); // ties and distinct values
        var y = new float[2 * 3 * g.OH * g.OW];
        var yRef = new float[y.Length];
        Pooling.MaxForward(x, y, g);
        ReferencePooling.MaxForward(x, yRef, g, 0, 6);
        Assert.Equal(yRef, y);
    }

    [Fact]
    public void MaxAnyWindow_NaNWins()
    {
        var g = new PoolGeometry(1, 1, 8, 40, 3, 3, 2, 2, 1, 1, 1, 1);
        var x = new float[8 * 40];
        x[3 * 40 + 20] = float.NaN; // row 3, column 20: outputs rows 1-2, column 10 (windows 2i−1..2i+1)
        var y = new float[g.OH * g.OW];
        Pooling.MaxForward(x, y, g);
        for (int i = 0; i < g.OH; i++)
        {
            for (int j = 0; j < g.OW; j++)
                Assert.Equal(i is 1 or 2 && j == 10, float.IsNaN(y[i * g.OW + j]));
        }
    }
}
