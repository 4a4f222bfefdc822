using Fovea.Layers;

namespace Fovea.Models;

public partial class Model
{
    /// <summary>
    /// The layer named <paramref name="name"/> and every layer after it, in execution order (Keras
    /// <c>model.layers[index:]</c>): <c>foreach (var l in m.LayersFrom("Convolution349")) l.Trainable = true;</c>
    /// </summary>
    /// <exception cref="FoveaException">No layer has that name (the message lists the names).</exception>
    public IReadOnlyList<Layer> LayersFrom(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var layers = Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Name == name)
                return layers.Skip(i).ToList();
        }
        throw new FoveaException($"model '{Name}' has no layer '{name}'; layers: " +
            string.Join(", ", layers.Select(l => l.Name)));
    }

    /// <summary>
    /// The layers whose names start with <paramref name="prefix"/> (ordinal), in execution order. Imported layers
    /// are named after the ONNX nodes, so a PyTorch export's last ResNet stage is <c>LayersWithPrefix("/layer4/")</c>.
    /// </summary>
    /// <exception cref="FoveaException">No layer name starts with the prefix.</exception>
    public IReadOnlyList<Layer> LayersWithPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var found = Layers.Where(l => l.Name?.StartsWith(prefix, StringComparison.Ordinal) == true).ToList();
        if (found.Count == 0)
            throw new FoveaException($"model '{Name}' has no layer whose name starts with '{prefix}'; layers: " +
                string.Join(", ", Layers.Select(l => l.Name)));
        return found;
    }

    /// <summary>The last <paramref name="count"/> layers in execution order (Keras <c>model.layers[-count:]</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than the layers.
    /// </exception>
    public IReadOnlyList<Layer> LastLayers(int count)
    {
        var layers = Layers;
        if (count < 0 || count > layers.Count)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"model '{Name}' has {layers.Count} layers, received count {count}");
        return layers.Skip(layers.Count - count).ToList();
    }

    /// <summary>
    /// The model's layers grouped into stages by the spatial size of their outputs (everything after the channel
    /// axis): a new stage starts where a strided convolution or a pooling lowers the resolution, and a layer whose
    /// output has no spatial axes (after a flatten or global pooling) joins the last stage. For ResNet-18 at
    /// 224×224 this gives the stem (112×112), the max pooling with stage 1 (56), stages 2, 3 and 4 (28, 14, 7);
    /// <c>Stages()[^1]</c> is the last stage, the one unfrozen first when fine-tuning. Meant for backbones whose
    /// resolution only falls; layers of equal resolution elsewhere in the graph (a decoder) join that stage.
    /// </summary>
    /// <exception cref="FoveaException">The model has not been built or called, so output shapes are unknown.
    /// </exception>
    public IReadOnlyList<IReadOnlyList<Layer>> Stages()
    {
        var keys = new List<string>();
        var stages = new List<List<Layer>>();
        var flat = new List<Layer>();
        foreach (var layer in Layers)
        {
            var shape = layer.OutputShape ?? throw new FoveaException(
                $"model '{Name}': {layer.Describe()} has not run yet, so its output size is unknown; call Build first");
            if (shape.Rank < 3)
            {
                flat.Add(layer);
                continue;
            }
            string key = string.Join("x", shape.Dims[2..]);
            int index = keys.IndexOf(key);
            if (index < 0)
            {
                keys.Add(key);
                stages.Add([]);
                index = stages.Count - 1;
            }
            stages[index].Add(layer);
        }
        if (stages.Count == 0)
            stages.Add([]);
        stages[^1].AddRange(flat);
        return stages;
    }
}
