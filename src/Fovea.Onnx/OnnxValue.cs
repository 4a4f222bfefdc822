using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// A named value of the ONNX graph during import: either a constant (an initializer, a Constant node, or a folded
/// subgraph) or a symbolic tensor of the Fovea functional model being built. Integer and boolean values are held
/// as float32 (exact up to 2^24); <see cref="ElementType"/> remembers the ONNX type.
/// </summary>
internal sealed class OnnxValue
{
    private OnnxValue(Tensor? constant, SymbolicTensor? symbol, int elementType, bool batchMajor, bool fromInitializer)
    {
        Constant = constant;
        Symbol = symbol;
        ElementType = elementType;
        BatchMajor = batchMajor;
        FromInitializer = fromInitializer;
    }

    public static OnnxValue Const(Tensor value, int elementType, bool fromInitializer = false) =>
        new(value, null, elementType, false, fromInitializer);

    public static OnnxValue Dynamic(SymbolicTensor symbol, int elementType, bool batchMajor) =>
        new(null, symbol, elementType, batchMajor, false);

    /// <summary>An ONNX sequence (a list of tensors), which exists only during import.</summary>
    public static OnnxValue Sequence(IReadOnlyList<OnnxValue> items, int elementType) =>
        new(null, null, elementType, false, false) { Items = items };

    /// <summary>The tensors of a sequence value; null for tensors.</summary>
    public IReadOnlyList<OnnxValue>? Items { get; private init; }

    /// <summary>The value when it is known at import time.</summary>
    public Tensor? Constant { get; }

    /// <summary>The model tensor when the value depends on the inputs.</summary>
    public SymbolicTensor? Symbol { get; }

    /// <summary>The ONNX element type (TensorProto.DataType).</summary>
    public int ElementType { get; }

    /// <summary>Axis 0 is the batch: it follows the batch of the model's input at run time.</summary>
    public bool BatchMajor { get; }

    /// <summary>A constant that came from an ONNX initializer (a trainable weight when a layer takes it).</summary>
    public bool FromInitializer { get; }

    public bool IsConstant => Constant is not null;

    public bool IsSequence => Items is not null;

    /// <summary>The full shape, batch axis included (for symbolic values: as in the example batch).</summary>
    public Shape Shape => Constant?.Shape ?? Symbol?.Example.Shape
        ?? throw new FoveaException("a sequence is used where a tensor is expected");

    public int Rank => Shape.Rank;
}
