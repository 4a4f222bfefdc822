using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>
/// LeNet-5 (LeCun et al., 1998) for 28×28 inputs: Conv(6, 5×5, same)-tanh, AvgPool 2, Conv(16, 5×5)-tanh, AvgPool 2,
/// Flatten, Dense(120, tanh), Dense(84, tanh), Dense(classes). Outputs logits (use a loss with fromLogits: true),
/// unless softmax is requested.
/// </summary>
public static class LeNet5
{
    public static Sequential Create(int classes = 10, bool softmax = false, int seed = 0, int[]? inputShape = null) =>
        new([
            new Conv2D(6, 5, padding: Padding.Same, activation: Activations.Tanh),
            new AveragePooling2D(2),
            new Conv2D(16, 5, activation: Activations.Tanh),
            new AveragePooling2D(2),
            new Flatten(),
            new Dense(120, Activations.Tanh),
            new Dense(84, Activations.Tanh),
            new Dense(classes, softmax ? Activations.Softmax : null),
        ], "lenet5", seed, inputShape);
}
