using Fovea.Kernels;

namespace Fovea.Tensors;

/// <summary>
/// Reverse-mode differentiation over the recorded ops: sort the ops that lead to the root (iterative depth-first
/// search, so deep networks cannot overflow the stack), then visit them from the root back to the leaves, handing
/// each op the sum of its output's gradient contributions (<see cref="GradNode.OutputGrad"/>) and adding what it
/// returns into its inputs' sums. Leaves accumulate into <see cref="Tensor.Grad"/>; tensors made by ops keep their
/// gradient only when retained. Hooks and the gradient-ready event cost one field check per op when nobody uses them;
/// with them, a counting pass first tells how many contributions each watched leaf still waits for.
/// This engine lives in the Tensors stratum, beside <see cref="GradNode"/>, because <see cref="Tensor.Backward()"/>
/// runs it; the differentiable ops (Fovea.Autograd) sit above and only add nodes.
/// </summary>
internal static partial class Graph
{
    [ThreadStatic]
    private static List<GradNode>? t_order;

    [ThreadStatic]
    private static Stack<(GradNode Fn, int NextInput)>? t_stack;

    [ThreadStatic]
    private static int t_mark;

    [ThreadStatic]
    private static int t_depth;

    public static void Backward(Tensor root, Tensor? seed, Action<Parameter>? onReady)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException(
                $"Backward() on {root} which does not require a gradient (no input of the ops that made it did)");
        if (seed is null)
        {
            if (root.Length != 1)
                throw new InvalidOperationException(
                    $"Backward() without a gradient needs a one-element tensor; received shape {root.Shape}");
            seed = Tensor.Ones(root.Shape);
        }
        else if (seed.Shape != root.Shape)
        {
            throw new ArgumentException($"Backward(): gradient shape {seed.Shape} differs from tensor shape {root.Shape}");
        }

        var rootFn = root.GradFn;
        if (rootFn is null)
        {
            // The root is a leaf: its gradient is the seed, complete at once.
            int leafMark = ++t_mark;
            if (root.Hooks is { } h)
            {
                h.PendingMark = leafMark;
                h.PassGrad = null;
            }
            AccumulateLeaf(root, seed, leafMark);
            FinishLeaf(root, onReady);
            return;
        }

        var order = TopologicalOrder([rootFn], out bool borrowed);
        t_depth++;
        try
        {
            bool track = onReady is not null || TensorHooks.LeafHookCount > 0;
            int mark = track ? CountPending(order, onReady is not null) : 0;
            rootFn.OutputGrad = Merge(rootFn.OutputGrad, seed);
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var fn = order[i];
                var g = fn.OutputGrad;
                fn.OutputGrad = null;
                if (g is not null)
                {
                    if (fn.Output.Hooks is { } hooks)
                        g = OnComplete(fn.Output, hooks, g, retain: true);
                    Propagate(fn, g, mark);
                }
                if (track)
                    Release(fn, mark, onReady);
            }
        }
        catch
        {
            foreach (var fn in order)
                fn.OutputGrad = null;
            throw;
        }
        finally
        {
            t_depth--;
            if (!borrowed)
                order.Clear();
        }
    }

    /// <summary>Runs <paramref name="fn"/>'s backward on <paramref name="g"/>; adds the results to its inputs.</summary>
    private static void Propagate(GradNode fn, Tensor g, int mark)
    {
        long t0 = Profiler.Start();
        var grads = fn.Backward(g);
        if (Profiler.Enabled)
            Profiler.Stop($"backward {fn.Name} {g.Shape}", t0);
        var inputs = fn.Inputs;
        for (int j = 0; j < inputs.Length; j++)
        {
            var input = inputs[j];
            var gj = j < grads.Length ? grads[j] : null;
            if (input is not { RequiresGrad: true } || gj is null)
                continue;
            CheckShape(input, gj, fn.Name);
            if (input.GradFn is { } producer)
                producer.OutputGrad = Merge(producer.OutputGrad, gj);
            else
                AccumulateLeaf(input, gj, mark);
        }
    }

    /// <summary>
    /// Counts, for every leaf that has hooks (and every parameter when <paramref name="parameters"/>), the
    /// contributions the pass will bring it: one per use by an op of <paramref name="order"/>. Returns the pass stamp.
    /// </summary>
    private static int CountPending(List<GradNode> order, bool parameters)
    {
        int mark = ++t_mark;
        foreach (var fn in order)
        {
            foreach (var input in fn.Inputs)
            {
                if (input is not { RequiresGrad: true, GradFn: null })
                    continue;
                var h = input.Hooks;
                if (h is null)
                {
                    if (!parameters || input is not Parameter)
                        continue;
                    h = input.Hooks = new TensorHooks();
                }
                if (h.PendingMark != mark)
                {
                    h.PendingMark = mark;
                    h.Pending = 0;
                    h.PassGrad = null;
                }
                h.Pending++;
            }
        }
        return mark;
    }

    /// <summary>After <paramref name="fn"/> was visited: its leaf inputs wait for one contribution fewer.</summary>
    private static void Release(GradNode fn, int mark, Action<Parameter>? onReady)
    {
        foreach (var input in fn.Inputs)
        {
            if (input is { GradFn: null, Hooks: { } h } && h.PendingMark == mark && --h.Pending == 0)
                FinishLeaf(input, onReady);
        }
    }

    /// <summary>A leaf's gradient of the pass is complete: hooks, <see cref="Tensor.Grad"/>, then events.</summary>
    private static void FinishLeaf(Tensor leaf, Action<Parameter>? onReady)
    {
        var h = leaf.Hooks;
        if (h?.PassGrad is { } pass)
        {
            h.PassGrad = null;
            StoreGrad(leaf, RunHooks(h, pass, leaf));
        }
        if (h?.PostAccumulateHooks is { Count: > 0 } post)
        {
            foreach (var hook in post.ToArray())
                hook(leaf);
        }
        if (onReady is not null && leaf is Parameter p)
            onReady(p);
    }

    /// <summary>Adds a contribution to a leaf: to the pass sum if it has gradient hooks, else to its Grad.</summary>
    private static void AccumulateLeaf(Tensor leaf, Tensor g, int mark)
    {
        if (leaf.Hooks is { Hooks.Count: > 0 } h && h.PendingMark == mark)
            h.PassGrad = Merge(h.PassGrad, g);
        else
            StoreGrad(leaf, g);
    }

    /// <summary>
    /// The gradient of a non-leaf tensor is complete: its hooks may replace it, and a retained tensor adds a copy to
    /// its <see cref="Tensor.Grad"/> (when <paramref name="retain"/>). Returns the gradient to propagate.
    /// </summary>
    private static Tensor OnComplete(Tensor t, TensorHooks hooks, Tensor g, bool retain)
    {
        g = RunHooks(hooks, g, t);
        if (retain && hooks.RetainsGrad)
        {
            if (t.Grad is null)
                t.Grad = g.CopyInto(t.Scope);
            else
                Elementwise.AddInPlace(t.Grad.AsSpan(), g.AsReadOnlySpan());
        }
        return g;
    }

    private static Tensor RunHooks(TensorHooks hooks, Tensor g, Tensor owner)
    {
        if (hooks.Hooks is not { Count: > 0 } list)
            return g;
        foreach (var hook in list.ToArray())
        {
            var replaced = hook(g);
            if (replaced is null || ReferenceEquals(replaced, g))
                continue;
            if (replaced.Shape != g.Shape)
                throw new InvalidOperationException(
                    $"a gradient hook on {owner} returned shape {replaced.Shape}; " +
                    $"expected the gradient's shape {g.Shape}");
            // The hook's tensor belongs to the caller: never sum into it in place.
            replaced.IsClaimedGrad = true;
            g = replaced;
        }
        return g;
    }

    /// <summary>
    /// Adds <paramref name="g"/> to a leaf's <see cref="Tensor.Grad"/>. A first gradient is stored where the tensor
    /// lives: an owned array for a tensor outside any scope (parameters, user tensors), the tensor's scope otherwise.
    /// </summary>
    private static void StoreGrad(Tensor t, Tensor g)
    {
        var current = t.Grad;
        if (current is not null)
            t.Grad = Merge(current, g);
        else if (t.Scope is null || g.Scope != t.Scope)
            t.Grad = g.CopyInto(t.Scope);
        else
            t.Grad = Merge(null, g);
    }

    /// <summary>
    /// The sum of a gradient slot and a new contribution. A first contribution is taken over when no other slot holds
    /// it (and marked), else copied; later ones are added in place, into a copy when the slot holds a view, whose
    /// storage belongs to another gradient.
    /// </summary>
    private static Tensor Merge(Tensor? current, Tensor g)
    {
        if (current is null)
        {
            var taken = g.IsClaimedGrad ? g.Clone() : g;
            taken.IsClaimedGrad = true;
            return taken;
        }
        if (current.IsView)
        {
            current = current.Clone();
            current.IsClaimedGrad = true;
        }
        Elementwise.AddInPlace(current.AsSpan(), g.AsReadOnlySpan());
        return current;
    }

    private static void CheckShape(Tensor t, Tensor g, string opName)
    {
        if (g.Shape != t.Shape)
            throw new InvalidOperationException(
                $"{opName} backward produced a gradient of shape {g.Shape} for an input of shape {t.Shape}");
    }

    /// <summary>
    /// The ops that lead to <paramref name="roots"/>, every op after the ops that made its inputs. The list is
    /// per-thread and reused (<paramref name="borrowed"/> false: the caller clears it) unless a backward is already
    /// running on this thread (a hook that differentiates), which gets a list of its own.
    /// </summary>
    private static List<GradNode> TopologicalOrder(ReadOnlySpan<GradNode> roots, out bool borrowed)
    {
        borrowed = t_depth > 0;
        var order = borrowed ? new List<GradNode>() : t_order ??= new List<GradNode>(128);
        var stack = borrowed ? new Stack<(GradNode, int)>() : t_stack ??= new Stack<(GradNode, int)>(128);
        int mark = ++t_mark;
        foreach (var root in roots)
        {
            if (root.VisitMark == mark)
                continue;
            root.VisitMark = mark;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (fn, next) = stack.Pop();
                var inputs = fn.Inputs;
                bool descended = false;
                for (int j = next; j < inputs.Length; j++)
                {
                    var child = inputs[j]?.GradFn;
                    if (child is null || child.VisitMark == mark)
                        continue;
                    child.VisitMark = mark;
                    stack.Push((fn, j + 1));
                    stack.Push((child, 0));
                    descended = true;
                    break;
                }
                if (!descended)
                    order.Add(fn); // post-order: every input's op comes before the op that consumes it
            }
        }
        return order;
    }
}
