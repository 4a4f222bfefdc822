using Fovea.Models;

namespace Fovea.Onnx;

/// <summary><c>model.SaveOnnx(path)</c>: ONNX export as a method of the model (Keras <c>model.export</c>).</summary>
public static class OnnxModelExtensions
{
    /// <summary>Writes the model as an ONNX file; see <see cref="OnnxExporter.Save"/>.</summary>
    public static void SaveOnnx(this Model model, string path, OnnxExportOptions? options = null) =>
        OnnxExporter.Save(model, path, options);
}
