using System.Text.Json.Nodes;
using Fovea.Layers;

namespace Fovea.Models;

public partial class Model
{
    /// <summary>"Functional" for a graph model (Keras's name), the class name otherwise.</summary>
    public override string TypeName => IsFunctional ? "Functional" : base.TypeName;

    /// <summary>
    /// A functional model's config: its distinct layers, its inputs, and every layer call in execution order with
    /// references to the values it consumes ({"input": i} or {"node": k}).
    /// </summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        if (!IsFunctional || _graph is null)
            return c;
        c["seed"] = Seed;
        var layers = new JsonArray();
        foreach (var layer in _graph.Layers)
            layers.Add(new JsonObject { ["class"] = layer.TypeName, ["config"] = layer.GetConfig() });
        c["layers"] = layers;
        var inputs = new JsonArray();
        foreach (var input in _graph.Inputs)
            inputs.Add(new JsonObject { ["name"] = input.Name, ["shape"] = new JsonArray(input.Shape.Select(d => (JsonNode)d).ToArray()) });
        c["inputs"] = inputs;
        var nodes = new JsonArray();
        foreach (var node in _graph.Nodes)
        {
            var refs = new JsonArray(node.Inputs.Select(i => (JsonNode)Reference(i)).ToArray());
            var entry = new JsonObject { ["layer"] = node.Layer.Name, ["inputs"] = refs };
            if (node.Training is bool t)
                entry["training"] = t;
            nodes.Add(entry);
        }
        c["nodes"] = nodes;
        c["outputs"] = new JsonArray(_graph.Outputs.Select(o => (JsonNode)Reference(o)).ToArray());
        return c;
    }

    private JsonObject Reference(SymbolicTensor t)
    {
        int slot = _graph!.SlotOf(t);
        return slot < _graph.Inputs.Count ? new JsonObject { ["input"] = slot } : new JsonObject { ["node"] = slot - _graph.Inputs.Count };
    }

    /// <summary>Rebuilds a functional model from <see cref="GetConfig"/> (weights freshly initialised).</summary>
    public static Model FromFunctionalConfig(JsonObject c)
    {
        var layers = new Dictionary<string, Layer>();
        foreach (var node in Array(c, "layers"))
        {
            var entry = node as JsonObject ?? throw new FoveaException("functional config: a layer entry is not an object");
            string type = entry["class"]?.GetValue<string>() ?? throw new FoveaException("functional config: a layer has no 'class'");
            var layer = LayerRegistry.FromConfig(type, entry["config"] as JsonObject ?? []);
            layers[layer.Name ?? throw new FoveaException($"functional config: a {type} layer has no name")] = layer;
        }
        var inputs = Array(c, "inputs").Select(i => Input.Create(
            Array(i!.AsObject(), "shape").Select(d => d!.GetValue<int>()).ToArray(), i["name"]?.GetValue<string>())).ToList();
        var values = new List<SymbolicTensor>();
        SymbolicTensor Resolve(JsonNode? r)
        {
            if (r?["input"] is { } i)
                return inputs[i.GetValue<int>()];
            int k = r?["node"]?.GetValue<int>() ?? throw new FoveaException("functional config: a reference has neither 'input' nor 'node'");
            return k < values.Count ? values[k] : throw new FoveaException($"functional config: node {k} is used before it is defined");
        }
        foreach (var n in Array(c, "nodes"))
        {
            string name = n!["layer"]?.GetValue<string>() ?? throw new FoveaException("functional config: a node has no 'layer'");
            var layer = layers.TryGetValue(name, out var l) ? l : throw new FoveaException($"functional config: node refers to unknown layer '{name}'");
            var ins = Array(n.AsObject(), "inputs").Select(Resolve).ToArray();
            bool? training = n["training"]?.GetValue<bool>();
            values.Add(layer is MergeLayer merge ? merge.Call(ins, training) : layer.Call(ins.Single(), training));
        }
        var outputs = Array(c, "outputs").Select(Resolve).ToList();
        var model = new Model(inputs, outputs, LayerConfig.Name(c), LayerConfig.Read(c, "seed", 0));
        if (c["trainable"] is { } t)
            model.RestoreTrainable(t.GetValue<bool>());
        return model;
    }

    private static JsonArray Array(JsonObject c, string key) =>
        c[key] as JsonArray ?? throw new FoveaException($"model config has no '{key}' list");
}
