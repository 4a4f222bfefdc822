using Fovea.Autograd;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Autograd;

/// <summary>
/// The hooks of <c>Tensor.Hooks.cs</c> on hand-checkable graphs: retained gradients, gradient hooks, the
/// per-parameter gradient-ready event (once, after the last contribution, in reverse order of use, with null or
/// unused parameters), and gradients that live as long as their tensor's scope.
/// </summary>
public class TensorHooksTests
{
    [Fact]
    public void RetainGrad_KeepsIntermediateGradient_OthersStayNull()
    {
        // h = 2x, k = h·h, y = Σ k → dy/dh = 2h = 4x
        var x = Tensor.FromArray(1f, -3f);
        x.RequiresGrad = true;
        var h = Functional.Multiply(x, 2f);
        var k = Functional.Multiply(h, h);
        h.RetainGrad();
        Functional.Sum(k).Backward();
        Assert.True(h.RetainsGrad);
        Assert.Equal([4f, -12f], h.Grad!.ToArray());
        Assert.Null(k.Grad);
        Assert.Equal([8f, -24f], x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_TwiceThroughSharedIntermediate_AddsEachPassOnce()
    {
        // Two losses over one intermediate h = 2x: each pass adds its own gradient, retained h too.
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        var h = Functional.Multiply(x, 2f);
        h.RetainGrad();
        Functional.Sum(h).Backward();
        Functional.Sum(Functional.Multiply(h, 3f)).Backward();
        Assert.Equal([8f, 8f], x.Grad!.ToArray()); // 2 + 6
        Assert.Equal([4f, 4f], h.Grad!.ToArray()); // 1 + 3
    }

    [Fact]
    public void RegisterHook_SeesCompleteGradientOnceAndMayReplaceIt()
    {
        // y = Σ (x·x + x): the leaf hook sees 2x + 1 once, summed over both uses; it returns its double.
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        var seen = new List<float[]>();
        var handle = x.RegisterHook(g =>
        {
            seen.Add(g.ToArray());
            return Functional.Multiply(g, 2f);
        });
        Functional.Sum(Functional.Add(Functional.Multiply(x, x), x)).Backward();
        Assert.Equal([[3f, 5f]], seen);
        Assert.Equal([6f, 10f], x.Grad!.ToArray());
        handle.Dispose();
        Functional.Sum(x).Backward();
        Assert.Equal([7f, 11f], x.Grad!.ToArray());
        Assert.Single(seen);
    }

    [Fact]
    public void RegisterHook_OnIntermediate_ReplacesWhatFlowsBack()
    {
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        var h = Functional.Multiply(x, 3f);
        h.RetainGrad();
        using var _ = h.RegisterHook(g => Tensor.FromArray(1f, -1f));
        Functional.Sum(Functional.Multiply(h, h)).Backward();
        Assert.Equal([1f, -1f], h.Grad!.ToArray()); // retained after the hook, as PyTorch 2
        Assert.Equal([3f, -3f], x.Grad!.ToArray());
    }

    [Fact]
    public void GradientReady_SharedParameterOnceAfterLastUse_InReverseOrderOfUse()
    {
        // y = Σ q·(p·(p·x)): p is used twice, then q; q is ready first, p once after both of its uses.
        var p = new Parameter("p", [2]);
        var q = new Parameter("q", [2]);
        var unused = new Parameter("unused", [2]);
        p.Assign([2f, 3f]);
        q.Assign([1f, -1f]);
        var x = Tensor.FromArray(1f, 1f);
        var y = Functional.Sum(Functional.Multiply(q, Functional.Multiply(p, Functional.Multiply(p, x))));
        var events = new List<(string Name, float[]? Grad, bool OtherHasGrad)>();
        y.Backward(param => events.Add((param.Name!, param.Grad?.ToArray(), (param == p ? q : p).Grad is not null)));
        Assert.Equal(["q", "p"], events.Select(e => e.Name));
        Assert.Equal([4f, 9f], events[0].Grad!);   // dy/dq = p²x
        Assert.False(events[0].OtherHasGrad);      // q is ready while p's gradient is still being computed
        Assert.Equal([4f, -6f], events[1].Grad!);  // dy/dp = 2pqx
        Assert.Null(unused.Grad);
    }

    [Fact]
    public void PostAccumulateGradHook_FiresPerPassUntilRemoved()
    {
        var p = new Parameter("p", [1]);
        p.Assign([2f]);
        int calls = 0;
        float last = 0;
        var handle = p.RegisterPostAccumulateGradHook(t =>
        {
            calls++;
            last = t.Grad!.Item();
        });
        Functional.Sum(Functional.Multiply(p, p)).Backward();
        Functional.Sum(Functional.Multiply(p, p)).Backward();
        Assert.Equal(2, calls);
        Assert.Equal(8f, last); // accumulated: 4 + 4
        handle.Dispose();
        handle.Dispose();
        Functional.Sum(p).Backward();
        Assert.Equal(2, calls);
    }

    [Fact]
    public void GradientReady_ParameterReachedOnlyThroughNoGradient_IsReportedWithNullGrad()
    {
        var p = new Parameter("p", [2]);
        var q = new Parameter("q", [2]);
        p.Assign([1f, 2f]);
        q.Assign([3f, 4f]);
        var blocked = BlockGradient.Apply(Functional.Multiply(p, 2f));
        var y = Functional.Sum(Functional.Multiply(blocked, q));
        var ready = new List<(string, bool)>();
        y.Backward(param => ready.Add((param.Name!, param.Grad is not null)));
        Assert.Equal([("q", true), ("p", false)], ready);
    }

    [Fact]
    public void Hooks_RegisteredWhereNotAllowed_Throw()
    {
        var constant = Tensor.FromArray(1f);
        var x = Tensor.FromArray(1f);
        x.RequiresGrad = true;
        var h = Functional.Multiply(x, 2f);
        Assert.Throws<InvalidOperationException>(() => constant.RetainGrad());
        Assert.Throws<InvalidOperationException>(() => constant.RegisterHook(g => null));
        var e = Assert.Throws<InvalidOperationException>(() => h.RegisterPostAccumulateGradHook(_ => { }));
        Assert.Contains("expected a leaf", e.Message);
    }

    [Fact]
    public void RetainedGradient_LivesWithItsTensorsScope_AndMovesWithKeep()
    {
        var p = new Parameter("p", [2]);
        p.Assign([1f, 2f]);
        Tensor h, kept;
        using (var outer = TensorScope.Begin())
        {
            h = Functional.Multiply(p, 3f);
            kept = Functional.Multiply(p, 5f);
            h.RetainGrad();
            kept.RetainGrad();
            var y = Functional.Sum(Functional.Add(h, kept));
            using (TensorScope.Begin())
                y.Backward(); // gradients made in an inner scope
            Assert.Equal([1f, 1f], h.Grad!.ToArray());
            Assert.Equal([8f, 8f], p.Grad!.ToArray());
            outer.Keep(kept);
        }
        Assert.True(h.IsDisposed);
        Assert.Null(h.Grad);
        Assert.Equal([1f, 1f], kept.Grad!.ToArray());
        Assert.Equal([8f, 8f], p.Grad!.ToArray());
    }

    /// <summary>Identity forward whose backward passes no gradient (as a non-differentiable op would).</summary>
    private sealed class BlockGradient : Function
    {
        public static Tensor Apply(Tensor x) => new BlockGradient().Record(x.Clone(), x);

        internal override Tensor?[] Backward(Tensor outputGrad) => [null];
    }
}
