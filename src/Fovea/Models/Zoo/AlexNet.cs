using Fovea.Layers;
using static Fovea.Models.Zoo.TorchModules;

namespace Fovea.Models.Zoo;

/// <summary>
/// AlexNet as torchvision builds it (<c>alexnet</c>, after "One weird trick", 64-192-384-256-256 filters): layers
/// named "features.0" … "features.12", "avgpool" (adaptive average pooling to 6×6), "classifier.0" … "classifier.6"
/// (dropout 0.5, 9216 → 4096 → 4096 → classes). Outputs logits; <c>includeTop: false</c> stops after the pooling
/// ([256, 6, 6]). Input [3, H, W] with H, W ≥ 63.
/// </summary>
public static class AlexNet
{
    /// <summary>Builds AlexNet; <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model Create(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = Conv(64, 11, "features.0", stride: 4, padding: 2).Call(inputs);
        x = new ReLU("features.1").Call(x);
        x = new MaxPooling2D(3, 2, name: "features.2").Call(x);
        x = Conv(192, 5, "features.3", padding: 2).Call(x);
        x = new ReLU("features.4").Call(x);
        x = new MaxPooling2D(3, 2, name: "features.5").Call(x);
        x = Conv(384, 3, "features.6", padding: 1).Call(x);
        x = new ReLU("features.7").Call(x);
        x = Conv(256, 3, "features.8", padding: 1).Call(x);
        x = new ReLU("features.9").Call(x);
        x = Conv(256, 3, "features.10", padding: 1).Call(x);
        x = new ReLU("features.11").Call(x);
        x = new MaxPooling2D(3, 2, name: "features.12").Call(x);
        x = new AdaptiveAveragePooling2D(6, "avgpool").Call(x);
        if (includeTop)
        {
            x = new Flatten("flatten").Call(x);
            x = new Dropout(0.5, "classifier.0").Call(x);
            x = Linear(4096, "classifier.1").Call(x);
            x = new ReLU("classifier.2").Call(x);
            x = new Dropout(0.5, "classifier.3").Call(x);
            x = Linear(4096, "classifier.4").Call(x);
            x = new ReLU("classifier.5").Call(x);
            x = Linear(classes, "classifier.6").Call(x);
        }
        return new Model(inputs, x, "alexnet", seed);
    }
}
