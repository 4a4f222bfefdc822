namespace Fovea.Tensors;

public partial class Tensor
{
    /// <summary>Computes the gradient of this scalar with respect to every tensor it depends on.</summary>
    public void Backward() => Graph.Backward(this, null, null);

    /// <summary>Backpropagates <paramref name="gradient"/> (same shape as this tensor).</summary>
    public void Backward(Tensor gradient) => Graph.Backward(this, gradient, null);

    /// <summary>
    /// <see cref="Backward()"/> that calls <paramref name="onGradientReady"/> once for every trainable
    /// <see cref="Parameter"/> this scalar depends on, as soon as the parameter's gradient of this pass is complete
    /// (every op that uses it has contributed; its <see cref="Grad"/> holds the sum), while backward goes on with the
    /// rest of the graph. Parameters become ready in reverse order of use, the order data-parallel training all-reduces
    /// them in (PyTorch DDP's gradient hooks). A parameter used by several ops (a shared layer) is reported once, after
    /// its last contribution; one reached only through ops that passed it no gradient is reported with its
    /// <see cref="Grad"/> unchanged (null if it had none). A parameter the scalar does not depend on is not reported.
    /// </summary>
    public void Backward(Action<Parameter> onGradientReady)
    {
        ArgumentNullException.ThrowIfNull(onGradientReady);
        Graph.Backward(this, null, onGradientReady);
    }

    /// <summary>
    /// <see cref="Backward(Tensor)"/> with <paramref name="onGradientReady"/> called as in
    /// <see cref="Backward(Action{Parameter})"/>.
    /// </summary>
    public void Backward(Tensor gradient, Action<Parameter> onGradientReady)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(onGradientReady);
        Graph.Backward(this, gradient, onGradientReady);
    }

    /// <summary>True when <see cref="Grad"/> is kept after backward: always for leaves, after
    /// <see cref="RetainGrad"/> for tensors made by ops.</summary>
    public bool RetainsGrad => IsLeaf ? RequiresGrad : Hooks is { RetainsGrad: true };

    /// <summary>
    /// Keeps this tensor's gradient in <see cref="Grad"/> after backward although an op made it (PyTorch
    /// <c>retain_grad()</c>): every later <see cref="Backward()"/> through it adds its gradient, as for a leaf. The
    /// retained gradient is a copy that lives in this tensor's scope. Nothing to do for a leaf, which keeps its own.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor does not require a gradient.</exception>
    public void RetainGrad()
    {
        if (!RequiresGrad)
            throw new InvalidOperationException(
                $"RetainGrad() on {this}, which does not require a gradient; expected a tensor made by ops on inputs " +
                "or parameters that require one (set RequiresGrad = true on the input before the forward pass)");
        if (!IsLeaf)
            (Hooks ??= new TensorHooks()).RetainsGrad = true;
    }

    /// <summary>
    /// Calls <paramref name="hook"/> with this tensor's gradient each time a backward pass (or
    /// <see cref="Fovea.Autograd.Gradients"/>.Compute) has summed it completely, before it goes on (PyTorch
    /// <c>register_hook</c>). The hook must not change its argument; it returns null to keep the gradient or a
    /// tensor of the same shape to use instead: the ops before this tensor, its retained gradient and, for a leaf,
    /// the sum added to <see cref="Grad"/> see that one.
    /// Hooks run in registration order. Dispose the returned handle to remove the hook.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor does not require a gradient.</exception>
    public IDisposable RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad)
            throw new InvalidOperationException(
                $"RegisterHook on {this}, which does not require a gradient; expected a parameter, an input with " +
                "RequiresGrad = true, or a tensor made from them");
        return (Hooks ??= new TensorHooks()).AddHook(this, hook);
    }

    /// <summary>
    /// Calls <paramref name="hook"/> with this leaf tensor each time a backward pass has added this tensor's complete
    /// gradient of the pass to <see cref="Grad"/> (PyTorch <c>register_post_accumulate_grad_hook</c>): once per pass,
    /// after the last op that uses it, in reverse order of use. This is the per-parameter "gradient ready" event that
    /// data-parallel training starts its all-reduce from; <see cref="Backward(Action{Parameter})"/> gives the same
    /// event for one pass without registering. Dispose the returned handle to remove the hook.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is not a leaf or does not require a gradient.</exception>
    public IDisposable RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!IsLeaf || !RequiresGrad)
            throw new InvalidOperationException(
                $"RegisterPostAccumulateGradHook on {this}: expected a leaf that requires a gradient (a parameter or " +
                "an input with RequiresGrad = true), received a " +
                (IsLeaf ? "leaf without RequiresGrad" : "tensor made by an op"));
        return (Hooks ??= new TensorHooks()).AddPostAccumulateHook(this, hook);
    }
}
