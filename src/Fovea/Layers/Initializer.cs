using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Fills a new weight. Fans follow PyTorch's layout convention, which equals Keras's numbers: for a weight
/// [out, in, k…] the receptive field is the product of k…, fanIn = in·receptive and fanOut = out·receptive;
/// a 1-D weight has fanIn = fanOut = its length. See <see cref="Initializers"/> for the instances.
/// </summary>
public abstract class Initializer
{
    /// <summary>The name used in model configs (e.g. "GlorotUniform").</summary>
    public abstract string Name { get; }

    public abstract void Fill(Span<float> values, Shape shape, Rng rng);

    /// <summary>Config entry: the name plus any arguments.</summary>
    public virtual JsonObject GetConfig() => new() { ["class"] = Name };

    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank == 0)
            return (1, 1);
        if (shape.Rank == 1)
            return (shape[0], shape[0]);
        int receptive = 1;
        for (int d = 2; d < shape.Rank; d++)
            receptive *= shape[d];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    public override string ToString() => Name;
}
