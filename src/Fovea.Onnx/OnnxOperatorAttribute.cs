namespace Fovea.Onnx;

/// <summary>
/// Marks an importer method as the import function of the ONNX operator <see cref="OpType"/> (of the ai.onnx domain).
/// The importer's operator table and <see cref="OnnxImporter.SupportedOperators"/> are built from these marks, so
/// adding an operator touches only its function. A method that imports several operators the same way (Add, Sub,
/// Mul, Div) carries one mark per operator.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
internal sealed class OnnxOperatorAttribute(string opType) : Attribute
{
    /// <summary>The ONNX operator name, as in the ONNX spec (e.g. "Conv").</summary>
    public string OpType { get; } = opType;
}
