namespace Fovea.Tensors;

/// <summary>
/// Per-step memory (like TorchSharp's DisposeScope). While a scope is active on a thread, new tensors take their
/// storage from a pool; when the scope ends, that storage goes back to the pool and those tensors become unusable.
/// A tensor that must outlive the scope is moved out with <see cref="Keep"/>. Outside any scope tensors are
/// ordinary garbage-collected objects: forgetting a scope only loses reuse, never memory.
/// </summary>
/// <example><code>
/// using (var scope = TensorScope.Begin())
/// {
///     var y = model.Call(x, training: true);   // y and every intermediate come from the pool
///     loss = scope.Keep(Functional.Mean(y));     // survives the scope
/// }
/// </code></example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    [ThreadStatic]
    private static Stack<List<Tensor>>? t_freeLists;

    private readonly TensorScope? _outer;
    private List<Tensor>? _tensors;

    private TensorScope(TensorScope? outer)
    {
        _outer = outer;
        var free = t_freeLists;
        _tensors = free is { Count: > 0 } ? free.Pop() : new List<Tensor>(256);
    }

    /// <summary>The innermost active scope of this thread, or null.</summary>
    internal static TensorScope? Current => t_current;

    /// <summary>Starts a scope on the current thread; dispose it to return its tensors' storage.</summary>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>Number of tensors this scope currently owns.</summary>
    public int Count => _tensors?.Count ?? 0;

    internal void Track(Tensor t) => (_tensors ?? throw new ObjectDisposedException(nameof(TensorScope))).Add(t);

    /// <summary>
    /// Moves <paramref name="tensor"/> (and its gradient, when this scope holds it) out of this scope, to the
    /// enclosing scope if there is one, otherwise to the garbage collector. Returns the same tensor.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var list = _tensors ?? throw new ObjectDisposedException(nameof(TensorScope));
        if (tensor.Scope != this)
            return tensor;
        // Search from the end: tensors kept are usually the last ones made.
        for (int i = list.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(list[i], tensor))
            {
                list.RemoveAt(i);
                break;
            }
        }
        tensor.Scope = _outer;
        _outer?.Track(tensor);
        if (_outer is null)
            tensor.ReleaseFromPool();
        if (tensor.Grad is { } grad && grad.Scope == this)
            Keep(grad); // a gradient lives as long as its tensor
        return tensor;
    }

    public void Dispose()
    {
        var list = _tensors;
        if (list is null)
            return;
        if (t_current != this)
            throw new InvalidOperationException("TensorScopes must be disposed in the reverse order they began");
        // Views first: they share storage with their base and must not return it.
        foreach (var t in list)
            t.ReturnStorage();
        list.Clear();
        (t_freeLists ??= new Stack<List<Tensor>>()).Push(list);
        _tensors = null;
        t_current = _outer;
    }
}
