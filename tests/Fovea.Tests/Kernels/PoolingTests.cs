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
}
