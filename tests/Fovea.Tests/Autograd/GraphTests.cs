using Fovea.Autograd;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Autograd;

public class GraphTests
{
    [Fact]
    public void Backward_SharedInput_AccumulatesBothPaths()
    {
        // y = Σ (x·x + x) → dy/dx = 2x + 1
        var x = Tensor.FromArray(1f, -2f, 3f);
        x.RequiresGrad = true;
        var y = Functional.Sum(Functional.Add(Functional.Multiply(x, x), x));
        y.Backward();
        Assert.Equal([3f, -3f, 7f], x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_NonScalarWithoutGradient_Throws()
    {
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        var y = Functional.Relu(x);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void NoGrad_DoesNotRecord()
    {
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        using (GradMode.NoGrad())
        {
            var y = Functional.Relu(x);
            Assert.False(y.RequiresGrad);
            Assert.True(y.IsLeaf);
        }
    }

    [Fact]
    public void Scope_ReturnsStorageAndKeepSurvives()
    {
        Tensor kept, dropped;
        using (var scope = TensorScope.Begin())
        {
            dropped = Tensor.Ones([4]);
            kept = scope.Keep(Functional.Multiply(Tensor.Ones([4]), 2f));
        }
        Assert.True(dropped.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => dropped.AsSpan());
        Assert.Equal([2f, 2f, 2f, 2f], kept.ToArray());
    }

    [Fact]
    public void Scope_SecondStepReusesStorage()
    {
        for (int step = 0; step < 3; step++)
        {
            using var scope = TensorScope.Begin();
            _ = Tensor.Zeros([1000]);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var scope = TensorScope.Begin())
            _ = Tensor.Zeros([1000]);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(after - before < 4000, $"a repeated scope allocated {after - before} bytes; 1000 floats is 4000");
    }
}
