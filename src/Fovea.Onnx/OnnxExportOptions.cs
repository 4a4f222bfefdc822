namespace Fovea.Onnx;

/// <summary>Choices for <see cref="OnnxExporter.Save"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// Names of the graph inputs, one per model input. Default: a functional model's input names ("input" unless
    /// given to <c>Input.Create</c>, made unique with "_1", "_2", ...), "input" for a Sequential model.
    /// </summary>
    public IReadOnlyList<string>? InputNames { get; init; }

    /// <summary>
    /// Names of the graph outputs, one per model output. Default: "output" for a model with one output; with several,
    /// the names of the layers that produce them.
    /// </summary>
    public IReadOnlyList<string>? OutputNames { get; init; }

    /// <summary>The name of the batch axis (axis 0 of every input, symbolic in the file). Default "N".</summary>
    public string BatchDimension { get; init; } = "N";

    /// <summary>The ONNX graph's name. Default: the model's name.</summary>
    public string? GraphName { get; init; }
}
