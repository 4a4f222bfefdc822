using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>What callbacks may see and do to the model being trained (Keras's <c>callback.model</c>).</summary>
public interface ITrainableModel
{
    string? Name { get; }

    /// <summary>The optimizer from Compile (its learning rate may be changed by callbacks).</summary>
    Optimizer? Optimizer { get; }

    /// <summary>Set to true to stop after the current epoch.</summary>
    bool StopTraining { get; set; }

    /// <summary>Every weight, for snapshots (EarlyStopping) and checkpoints.</summary>
    IReadOnlyList<Parameter> Weights { get; }

    /// <summary>Every weight with its path ("conv2d.kernel"), for logs and checkpoints.</summary>
    IReadOnlyList<KeyValuePair<string, Parameter>> NamedWeights();

    /// <summary>The model's own generator and every layer's (dropout masks), in a fixed order, for checkpoints.</summary>
    IReadOnlyList<Rng> RandomStreams();

    /// <summary>Writes the weights to a safetensors file, atomically.</summary>
    void SaveWeights(string path);
}
