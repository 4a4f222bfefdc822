using System.Runtime.CompilerServices;

namespace Fovea.Tensors;

/// <summary>
/// A dense float32 tensor in row-major order (NCHW for images), with reverse-mode autograd.
/// Ops live in <see cref="Fovea.Autograd.Functional"/> and never dispose their inputs; each returns a new tensor or
/// an explicitly documented view. Storage is a managed array: inside a <see cref="TensorScope"/> it comes from a pool
/// and goes back when the scope ends, otherwise the garbage collector owns it.
/// </summary>
public partial class Tensor
{
    private float[]? _data;
    private int _offset;
    private bool _pooled;
    private readonly Tensor? _viewOf;

    internal Tensor(Shape shape, float[] data, int offset, bool pooled, Tensor? viewOf = null)
    {
        Shape = shape;
        Length = shape.Length;
        if (offset < 0 || offset + Length > data.Length)
            throw new ArgumentException($"storage of {data.Length} floats cannot hold shape {shape} at offset {offset}");
        _data = data;
        _offset = offset;
        _pooled = pooled;
        _viewOf = viewOf;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public Shape Shape { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>An optional name, used in error messages and by parameters.</summary>
    public string? Name { get; set; }

    /// <summary>The scope that owns this tensor's storage, or null when the GC owns it.</summary>
    internal TensorScope? Scope { get; set; }

    /// <summary>True once the storage went back to the pool; the tensor can no longer be read.</summary>
    public bool IsDisposed => _data is null;

    /// <summary>
    /// True when this tensor shares storage with another tensor (see
    /// <see cref="Fovea.Autograd.Functional.Reshape(Tensor, int[])"/>).
    /// </summary>
    public bool IsView => _viewOf is not null;

    // ---- autograd ----

    private bool _requiresGrad;

    /// <summary>Whether gradients flow to this tensor. Settable on leaves only (like PyTorch).</summary>
    public virtual bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null && !value)
                throw new InvalidOperationException("RequiresGrad can only be cleared on a leaf tensor; use Detach()");
            _requiresGrad = value;
        }
    }

    /// <summary>
    /// The accumulated gradient after <see cref="Backward()"/>; null before. Leaves (parameters, inputs with
    /// <see cref="RequiresGrad"/>) keep theirs; a tensor made by an op keeps it only after <see cref="RetainGrad"/>,
    /// as in PyTorch. A gradient lives as long as its tensor: it goes back to the pool with the tensor's scope.
    /// </summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>Hooks, retained-gradient flag and per-pass bookkeeping; null for tensors that ask for none.</summary>
    internal TensorHooks? Hooks { get; set; }

    /// <summary>The node of the op that produced this tensor, when it was recorded for autograd.</summary>
    internal GradNode? GradFn { get; set; }

    /// <summary>True when this tensor was not produced by a recorded op.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>
    /// Set when this tensor holds a gradient sum or belongs to a caller (a hook's result), so the graph copies it
    /// rather than taking it over as another gradient and summing into it.
    /// </summary>
    internal bool IsClaimedGrad { get; set; }

    /// <summary>When this tensor is a softmax output: the logits it came from (cross-entropy uses them directly).</summary>
    internal Tensor? SoftmaxSource { get; set; }

    internal void SetRequiresGradFromOp() => _requiresGrad = true;


    /// <summary>A tensor sharing this one's storage but cut from the autograd graph.</summary>
    public Tensor Detach()
    {
        var t = new Tensor(Shape, Data, _offset, pooled: false, viewOf: _viewOf ?? this);
        Scope?.Track(t);
        t.Scope = Scope;
        return t;
    }

    // ---- storage ----

    internal float[] Data
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _data ?? throw Disposed();
    }

    internal int Offset => _offset;

    /// <summary>
    /// The elements, row-major, writable. Valid until the tensor's scope ends. Taking it counts as a change of the
    /// storage (<see cref="Version"/>): caches derived from the values (transformed convolution weights) are rebuilt.
    /// </summary>
    public Span<float> AsSpan()
    {
        MarkChanged();
        return new(Data, _offset, Length);
    }

    /// <summary>Read-only view of the elements.</summary>
    public ReadOnlySpan<float> AsReadOnlySpan() => new(Data, _offset, Length);

    internal Memory<float> AsMemory()
    {
        MarkChanged();
        return new(Data, _offset, Length);
    }

    private int _version;

    /// <summary>
    /// Counts the writable accesses to this tensor's storage (<see cref="AsSpan"/>, the indexer, shared by its
    /// views), like PyTorch's version counter: a value derived from the elements stays valid while it is unchanged.
    /// </summary>
    internal int Version => (_viewOf ?? this)._version;

    private void MarkChanged() => (_viewOf ?? this)._version++;

    private ObjectDisposedException Disposed() => new(
        Name ?? $"tensor {Shape}",
        "its storage went back to the pool when its TensorScope ended; use scope.Keep(t) or Clone() to keep it");

    internal void ReturnStorage()
    {
        if (_data is null)
            return;
        if (_pooled && _viewOf is null)
            TensorPool.Return(_data);
        _data = null;
        Grad = null;
        GradFn = null;
        Hooks?.Clear();
        Hooks = null;
        SoftmaxSource = null;
    }

    /// <summary>Called when a pooled tensor leaves every scope: from now on the GC owns its storage.</summary>
    internal void ReleaseFromPool()
    {
        if (_viewOf is { _pooled: true, Scope: not null })
        {
            // A view cannot outlive its pooled base: give it its own copy.
            _data = AsSpan().ToArray();
            _offset = 0;
            return;
        }
        _pooled = false;
    }

    public override string ToString() => $"Tensor{Shape}{(Name is null ? "" : " " + Name)}";
}
