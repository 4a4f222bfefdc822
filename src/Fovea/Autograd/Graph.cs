using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

/// <summary>
/// Reverse-mode differentiation over the recorded ops: sort the ops that lead to the root (iterative depth-first
/// search, so deep networks cannot overflow the stack), then visit them from the root back to the leaves, handing
/// each op its output's gradient and accumulating what it returns into its inputs.
/// </summary>
internal static class Graph
{
    [ThreadStatic]
    private static List<Function>? t_order;

    [ThreadStatic]
    private static Stack<(Function Fn, int NextInput)>? t_stack;

    [ThreadStatic]
    private static int t_mark;

    public static void Backward(Tensor root, Tensor? seed)
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

        Accumulate(root, seed, "Backward");
        if (root.GradFn is null)
            return;

        var order = TopologicalOrder(root.GradFn);
        try
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var fn = order[i];
                var g = fn.Output.Grad;
                if (g is null)
                    continue;
                long t0 = Profiler.Start();
                var grads = fn.Backward(g);
                if (Profiler.Enabled)
                    Profiler.Stop($"backward {fn.Name} {g.Shape}", t0);
                var inputs = fn.Inputs;
                for (int j = 0; j < inputs.Length; j++)
                {
                    var input = inputs[j];
                    var gj = j < grads.Length ? grads[j] : null;
                    if (input is { RequiresGrad: true } && gj is not null)
                        Accumulate(input, gj, fn.Name);
                }
            }
        }
        finally
        {
            order.Clear();
        }
    }

    private static void Accumulate(Tensor t, Tensor g, string opName)
    {
        if (g.Shape != t.Shape)
            throw new InvalidOperationException(
                $"{opName} backward produced a gradient of shape {g.Shape} for an input of shape {t.Shape}");
        var current = t.Grad;
        if (current is null)
        {
            if (t.IsLeaf && t.Scope is null)
            {
                // Long-lived leaf (parameter or user tensor): its gradient must outlive the step's scope.
                var owned = Tensor.AllocateOwned(t.Shape);
                g.AsReadOnlySpan().CopyTo(owned.AsSpan());
                t.Grad = owned;
            }
            else if (g.IsClaimedGrad)
            {
                t.Grad = g.Clone();
                t.Grad.IsClaimedGrad = true;
            }
            else
            {
                g.IsClaimedGrad = true;
                t.Grad = g;
            }
        }
        else
        {
            Elementwise.AddInPlace(current.AsSpan(), g.AsReadOnlySpan());
        }
    }

    private static List<Function> TopologicalOrder(Function root)
    {
        var order = t_order ??= new List<Function>(128);
        var stack = t_stack ??= new Stack<(Function, int)>(128);
        int mark = ++t_mark;
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
        return order;
    }
}
