using Fovea.Layers;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

namespace Fovea.Models;

/// <summary>
/// Transfer learning from a pretrained ONNX network, the way a practitioner does it in Keras: import the network up
/// to its last feature map (<see cref="LoadBase"/>), freeze it, put a new classification head on it
/// (<see cref="Classifier"/>) and train the head; then unfreeze the last stage(s) (<see cref="UnfreezeLastStages"/>)
/// and fine-tune with a low learning rate.
/// </summary>
/// <example><code>
/// var baseModel = TransferLearning.LoadBase("ResNet18.onnx", imageSize: 64);      // [N, 3, 64, 64] → [N, 512, 2, 2]
/// baseModel.Trainable = false;
/// var model = TransferLearning.Classifier(baseModel, classes: 10, dropout: 0.2);
/// var train64 = ImagePreprocessing.CntkResNet.Apply(train, model.Inputs[0].Shape);
/// model.Compile(new Adam(1e-3), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
/// model.Fit(train64, epochs: 5, batchSize: 32);                  // the head only; the base runs in inference mode
/// TransferLearning.UnfreezeLastStages(baseModel, 1);              // ResNet-18's last stage (512 channels)
/// model.Compile(new Adam(1e-4), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
/// model.Fit(train64, epochs: 5, batchSize: 32);
/// </code></example>
public static class TransferLearning
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
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"expected a positive image size, received {bad}");
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
        string cut = featuresLayer ?? FeatureLayer(declared[2] > 0 && declared[3] > 0
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

    /// <summary>
    /// The last layer of <paramref name="model"/> (in execution order) whose output is a feature map
    /// [N, C, H, W] with H·W &gt; 1: where a backbone's global pooling or classifier begins.
    /// </summary>
    /// <exception cref="FoveaException">No layer outputs such a feature map.</exception>
    public static Layer FeatureLayer(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Layers.LastOrDefault(l => l.OutputShape is { Rank: 4 } s && s[2] * s[3] > 1)
            ?? throw new FoveaException($"model '{model.Name}' has no layer with a feature map [N, C, H, W] output " +
                $"(H·W > 1) to cut at; name the features layer");
    }

    /// <summary>
    /// A classifier on <paramref name="baseModel"/>: Input → base → GlobalAveragePooling2D (when the base outputs
    /// feature maps) → Dropout(<paramref name="dropout"/>, if positive) → Dense(<paramref name="classes"/>, softmax),
    /// seeded by <paramref name="seed"/>. The base is shared, not copied: freezing or unfreezing its layers changes
    /// what this model trains.
    /// </summary>
    /// <param name="baseModel">The feature extractor, e.g. from <see cref="LoadBase"/>.</param>
    /// <param name="classes">Number of classes of the new head.</param>
    /// <param name="dropout">Dropout rate before the head; 0 for none.</param>
    /// <param name="seed">Seed of the head's initial weights and of the dropout masks.</param>
    /// <param name="baseTraining">The mode the base runs in. False (the default, Keras' advice for fine-tuning)
    /// keeps every layer of the base in inference mode, unfrozen ones too: BatchNormalization normalises with its
    /// moving statistics and never updates them, while gradients still reach the unfrozen weights (γ and β
    /// included). Null follows the model: in training, frozen layers still run in inference mode but unfrozen ones
    /// train, statistics included (PyTorch's practice); pass null to train a base from scratch, whose
    /// BatchNormalization layers need batch statistics.</param>
    public static Model Classifier(Model baseModel, int classes, double dropout = 0.2, int seed = 0,
        bool? baseTraining = false)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        if (classes < 2)
            throw new ArgumentOutOfRangeException(nameof(classes), $"expected at least 2 classes, received {classes}");
        if (baseModel.Inputs.Count != 1)
            throw new FoveaException($"model '{baseModel.Name}' must be a functional model with one input to serve " +
                $"as a base, it has {baseModel.Inputs.Count}");
        using var _ = Layer.Seeded(seed);
        var input = Input.Create(baseModel.Inputs[0].Shape.ToArray(), "image");
        var x = baseModel.Call(input, baseTraining);
        if (x.Shape.Rank == 3)
            x = new GlobalAveragePooling2D("head_pool").Call(x);
        else if (x.Shape.Rank != 1)
            throw new FoveaException($"model '{baseModel.Name}' outputs samples of {x.Shape}; a base for a " +
                $"classifier outputs feature maps [C, H, W] or vectors [C]");
        if (dropout > 0)
            x = new Dropout(dropout, "head_dropout").Call(x);
        var y = new Dense(classes, Activations.Softmax, name: "head").Call(x);
        return new Model(input, y, "transfer_classifier", seed);
    }

    /// <summary>
    /// Makes the layers of the last <paramref name="count"/> stages of <paramref name="baseModel"/> trainable (see
    /// <see cref="Model.Stages"/>: stages split where the resolution falls) and returns them; the earlier layers
    /// keep their state. Recompile and Fit afterwards (with a low learning rate): freezing takes effect at the next
    /// Fit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not between 1 and the number of
    /// stages.</exception>
    public static IReadOnlyList<Layer> UnfreezeLastStages(Model baseModel, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        var stages = baseModel.Stages();
        if (count < 1 || count > stages.Count)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"model '{baseModel.Name}' has {stages.Count} stages, received {count}");
        var layers = stages.Skip(stages.Count - count).SelectMany(s => s).ToList();
        foreach (var layer in layers)
            layer.Trainable = true;
        return layers;
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
