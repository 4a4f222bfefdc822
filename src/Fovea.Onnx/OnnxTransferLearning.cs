using Fovea.Models;
using Fovea.Onnx.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// The ONNX half of <see cref="TransferLearning"/>: <c>TransferLearning.LoadBase</c> imports a pretrained ONNX network
/// as a feature extractor (a static extension of <see cref="TransferLearning"/>, available with
/// <c>using Fovea.Onnx;</c>); the head, freezing and unfreezing live in <see cref="TransferLearning"/> in the core.
/// </summary>
/// <example><code>
/// var baseModel = TransferLearning.LoadBase("ResNet18.onnx", imageSize: 64);      // [N, 3, 64, 64] → [N, 512, 2, 2]
/// baseModel.Trainable = false;
/// var model = TransferLearning.Classifier(baseModel, classes: 10, dropout: 0.2);
/// </code></example>
public static class OnnxTransferLearning
{
    extension(TransferLearning)
    {
        /// <summary>
        /// Imports the ONNX network at <paramref name="onnxPath"/> as a feature extractor for images of
        /// <paramref name="imageSize"/> (default: the size the file declares): the graph is cut after
        /// <paramref name="featuresLayer"/>, by default the last layer whose output is still a feature map
        /// [N, C, H, W] with more than one position, so a fixed-size pooling or a classifier after it is left out and
        /// any image size the convolutions allow works. Layers keep the ONNX node names.
        /// </summary>
        /// <exception cref="FoveaException">The file is missing or not a valid ONNX model, its first input is not an
        /// image [N, C, H, W], no layer outputs a feature map, or the network cannot run at that size.</exception>
        public static Model LoadBase(string onnxPath, Size2? imageSize = null, string? featuresLayer = null)
        {
            ArgumentNullException.ThrowIfNull(onnxPath);
            if (imageSize is { IsPositive: false } bad)
                throw new ArgumentOutOfRangeException(nameof(imageSize),
                    $"expected a positive image size, received {bad}");
            if (!File.Exists(onnxPath))
                throw new FoveaException($"ONNX file '{onnxPath}' does not exist");
            byte[] bytes = File.ReadAllBytes(onnxPath);
            string name = Path.GetFileName(onnxPath);
            string folder = Path.GetDirectoryName(Path.GetFullPath(onnxPath))!;
            var (inputName, declared) = ImageInput(bytes, name);
            var size = imageSize ?? (declared[2] > 0 && declared[3] > 0 ? new Size2(declared[2], declared[3])
                : throw new FoveaException($"ONNX '{name}': input '{inputName}' has no fixed height and width; give " +
                    $"the image size"));
            int channels = declared[1] > 0 ? declared[1]
                : throw new FoveaException($"ONNX '{name}': input '{inputName}' has no fixed channel count");
            var shapes = new Dictionary<string, int[]> { [inputName] = [1, channels, size.Height, size.Width] };
            string cut = featuresLayer ?? TransferLearning.FeatureLayer(declared[2] > 0 && declared[3] > 0
                ? OnnxImporter.Load(bytes, name, folder)
                : OnnxImporter.Load(bytes, name, folder, new OnnxImportOptions { InputShapes = shapes })).Name!;
            try
            {
                return OnnxImporter.Load(bytes, name, folder, new OnnxImportOptions { InputShapes = shapes,
                    Outputs = [cut] });
            }
            catch (FoveaException e)
            {
                throw new FoveaException($"ONNX '{name}' cut after '{cut}' does not run on images of " +
                    $"{channels}×{size.Height}×{size.Width}: {e.Message}", e);
            }
        }
    }

    /// <summary>The first graph input that is not an initializer, with its dims (0 where symbolic).</summary>
    private static (string Name, int[] Dims) ImageInput(byte[] bytes, string name)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or ArgumentException
            or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            throw new FoveaException(
                $"ONNX '{name}' is not a valid ONNX model (the file is truncated or corrupt): {e.Message}", e);
        }
        var initializers = proto.Graph?.Initializer.Select(i => i.Name).ToHashSet() ?? [];
        var input = proto.Graph?.Input.FirstOrDefault(i => !initializers.Contains(i.Name))
            ?? throw new FoveaException($"ONNX '{name}' holds no graph with an input: the file is empty, truncated " +
                $"or not an ONNX model");
        var dims = input.Type?.TensorType?.Shape?.Dim.Select(d => d.HasDimValue && d.DimValue is > 0 and
            <= int.MaxValue ? (int)d.DimValue : 0).ToArray() ?? [];
        if (dims.Length != 4)
            throw new FoveaException($"ONNX '{name}': input '{input.Name}' has {dims.Length} axes; a base network " +
                $"takes images [N, C, H, W]");
        return (input.Name, dims);
    }
}
