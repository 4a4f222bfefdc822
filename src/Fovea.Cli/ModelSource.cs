using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Onnx;
using Fovea.Vision.Segmentation;

namespace Fovea.Cli;

/// <summary>What <c>--model</c> may name: an ONNX file or a saved Fovea model folder (model.json +
/// model.safetensors, as <c>fovea train</c> and <c>fovea finetune</c> write); for <c>fovea run</c> also
/// <c>zoo:&lt;torchvision name&gt;</c> with a state dict.</summary>
internal static class ModelSource
{
    private const string ZooPrefix = "zoo:";

    public static bool IsZoo(string source) => source.StartsWith(ZooPrefix, StringComparison.Ordinal);

    /// <summary>Builds zoo model "zoo:name" for samples of <paramref name="sampleShape"/> and loads the torchvision
    /// state dict <paramref name="weightsPath"/> into it. Segmentation models (Fovea.Vision's
    /// <see cref="SegmentationZoo"/>) take their number of classes from the state dict; their first output is
    /// torchvision's <c>out</c>.</summary>
    public static Model LoadZoo(string source, int[] sampleShape, string weightsPath)
    {
        string name = source[ZooPrefix.Length..];
        if (SegmentationZoo.Contains(name))
        {
            var (tensors, _) = IO.Safetensors.Load(weightsPath);
            var stateDict = tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
            var segmenter = SegmentationZoo.Create(name, SegmentationZoo.ClassesOf(name, stateDict), sampleShape);
            segmenter.LoadStateDict(tensors, $"'{weightsPath}'");
            return segmenter;
        }
        var m = ModelZoo.Create(name, inputShape: sampleShape);
        ModelZoo.LoadStateDict(m, name, weightsPath);
        return m;
    }

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
