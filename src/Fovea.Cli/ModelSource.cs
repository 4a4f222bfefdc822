using Fovea.Models;
using Fovea.Onnx;

namespace Fovea.Cli;

/// <summary>What <c>--model</c> may name: an ONNX file or a saved Fovea model folder (model.json +
/// model.safetensors, as <c>fovea train</c> and <c>fovea finetune</c> write).</summary>
internal static class ModelSource
{
    public static Model Load(string path)
    {
        if (Directory.Exists(path))
            return Model.Load(path);
        if (File.Exists(path))
        {
            return Path.GetFileName(path) == Model.ConfigFileName
                ? Model.Load(Path.GetDirectoryName(Path.GetFullPath(path))!)
                : OnnxImporter.Load(path);
        }
        throw new FoveaException($"model '{path}' does not exist; expected an ONNX file or a saved model folder " +
            $"({Model.ConfigFileName} + {Model.WeightsFileName})");
    }
}
