using System.Threading;

namespace Fovea.Tensors;

/// <summary>
/// What a tensor asks of backward beyond the default: hooks on its gradient, a retained gradient (non-leaf), and the
/// bookkeeping that tells when a leaf's gradient of the current pass is complete. Created on the first request and
/// kept with the tensor; tensors that never ask have none, so backward checks one field per op.
/// </summary>
internal sealed class TensorHooks
{
    private static int s_leafHookCount;

    /// <summary>
    /// Leaf tensors (any thread) that carry a gradient or post-accumulate hook: while it is 0 and no gradient-ready
    /// callback is given, backward skips the per-leaf counting pass.
    /// </summary>
    public static int LeafHookCount => Volatile.Read(ref s_leafHookCount);

    /// <summary>Hooks on the tensor's gradient (PyTorch <c>register_hook</c>), in registration order.</summary>
    public List<Func<Tensor, Tensor?>>? Hooks { get; private set; }

    /// <summary>Hooks run after a leaf's gradient of the pass was added to its <c>Grad</c>.</summary>
    public List<Action<Tensor>>? PostAccumulateHooks { get; private set; }

    /// <summary>A non-leaf tensor keeps its gradient in <c>Grad</c> after backward (PyTorch <c>retain_grad</c>).</summary>
    public bool RetainsGrad { get; set; }

    /// <summary>Whether this leaf is counted in <see cref="LeafHookCount"/>.</summary>
    private bool _counted;

    /// <summary>Contributions to this leaf still to come in the pass stamped <see cref="PendingMark"/>.</summary>
    public int Pending { get; set; }

    /// <summary>The backward pass <see cref="Pending"/> belongs to.</summary>
    public int PendingMark { get; set; }

    /// <summary>A leaf with <see cref="Hooks"/>: its gradient of this pass, summed before the hooks see it.</summary>
    public Tensor? PassGrad { get; set; }

    public IDisposable AddHook(Tensor owner, Func<Tensor, Tensor?> hook)
    {
        (Hooks ??= []).Add(hook);
        UpdateCount(owner);
        return new Removal(this, owner, hook);
    }

    public IDisposable AddPostAccumulateHook(Tensor owner, Action<Tensor> hook)
    {
        (PostAccumulateHooks ??= []).Add(hook);
        UpdateCount(owner);
        return new Removal(this, owner, hook);
    }

    /// <summary>Drops every hook (the tensor's storage went back to the pool).</summary>
    public void Clear()
    {
        Hooks = null;
        PostAccumulateHooks = null;
        PassGrad = null;
        if (_counted)
        {
            _counted = false;
            Interlocked.Decrement(ref s_leafHookCount);
        }
    }

    private void UpdateCount(Tensor owner)
    {
        bool wanted = owner.IsLeaf && (Hooks is { Count: > 0 } || PostAccumulateHooks is { Count: > 0 });
        if (wanted == _counted)
            return;
        _counted = wanted;
        if (wanted)
            Interlocked.Increment(ref s_leafHookCount);
        else
            Interlocked.Decrement(ref s_leafHookCount);
    }

    /// <summary>Removes one hook when disposed (PyTorch's <c>RemovableHandle</c>); a second Dispose does nothing.</summary>
    private sealed class Removal(TensorHooks hooks, Tensor owner, Delegate hook) : IDisposable
    {
        private bool _removed;

        public void Dispose()
        {
            if (_removed)
                return;
            _removed = true;
            if (hook is Func<Tensor, Tensor?> h)
                hooks.Hooks?.Remove(h);
            else if (hook is Action<Tensor> p)
                hooks.PostAccumulateHooks?.Remove(p);
            hooks.UpdateCount(owner);
        }
    }
}
