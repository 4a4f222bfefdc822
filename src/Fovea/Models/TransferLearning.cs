using Fovea.Layers;

namespace Fovea.Models;

/// <summary>
/// Transfer learning from a pretrained network, the way a practitioner does it in Keras: import the network up to
/// its last feature map (<c>TransferLearning.LoadBase</c>, from the Fovea.Onnx package, with <c>using Fovea.Onnx;</c>),
/// freeze it, put a new classification head on it (<see cref="Classifier"/>) and train the head; then unfreeze the last stage(s) (<see cref="UnfreezeLastStages"/>)
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
    /// <param name="baseModel">The feature extractor, e.g. from <c>TransferLearning.LoadBase</c> (Fovea.Onnx).</param>
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
}
