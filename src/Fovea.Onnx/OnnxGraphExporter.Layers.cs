using Fovea.Layers;
using Fovea.Onnx.Export;
using Value = Fovea.Onnx.OnnxExportTensor;

namespace Fovea.Onnx;

/// <summary>Layer calls as ONNX nodes (inference mode): each layer type's exporter, found by type.</summary>
internal sealed partial class OnnxGraphExporter
{
    /// <summary>
    /// Exports one layer call with the exporter of its type (<see cref="LayerExporters"/>).
    /// <paramref name="modelInput"/> is the first input of the model the layer belongs to (its axis 0 is the batch
    /// that imported ops follow); <paramref name="node"/> is the functional call, if any.
    /// </summary>
    private Value ExportLayer(Layer layer, Value[] inputs, string prefix, Value modelInput, LayerNode? node)
    {
        _layer = layer;
        _nodeBase = prefix + (layer.Name ?? Layer.DefaultName(layer.TypeName));
        if (layer is not MergeLayer && inputs.Length != 1)
            throw Unsupported($"expected one input, received {inputs.Length}");
        var exporter = LayerExporters.Find(layer.GetType())
            ?? throw Unsupported($"layer type '{layer.TypeName}' ({layer.GetType().FullName}) has no ONNX export; " +
                $"register one with OnnxExporter.Register<{layer.GetType().Name}>(...) before exporting");
        return exporter.Export(layer, inputs, new OnnxExportContext(this, layer, _nodeBase, modelInput, node));
    }

    /// <summary>An activation function (a layer's fused <c>activation:</c> or an Activation layer).</summary>
    internal Value Activate(ActivationFunction? f, Value x, string? suffix)
    {
        if (f is null)
            return x;
        string name = f.Name switch
        {
            "linear" => x.Name,
            "relu" => Node("Relu", [x.Name], suffix),
            "sigmoid" => Node("Sigmoid", [x.Name], suffix),
            "tanh" => Node("Tanh", [x.Name], suffix),
            "softmax" => Node("Softmax", [x.Name], suffix, Attr("axis", -1L)),
            "leaky_relu" => Node("LeakyRelu", [x.Name], suffix, Attr("alpha", f.Alpha)),
            "relu6" => Node("Clip", [x.Name, FloatScalar(0f, "min"), FloatScalar(6f, "max")], suffix),
            "swish" or "silu" => Node("Mul", [x.Name, Node("Sigmoid", [x.Name], $"{suffix ?? f.Name}/sigmoid")],
                suffix),
            "gelu" => Gelu(x.Name),
            "gelu_tanh" => GeluTanh(x.Name),
            "hard_sigmoid" => Node("HardSigmoid", [x.Name], suffix, Attr("alpha", 1f / 6f), Attr("beta", 0.5f)),
            "hard_swish" => Node("HardSwish", [x.Name], suffix),
            "mish" => Node("Mul", [x.Name, Node("Tanh", [Node("Softplus", [x.Name], $"{suffix ?? f.Name}/softplus")],
                $"{suffix ?? f.Name}/tanh")], suffix),
            "elu" => Node("Elu", [x.Name], suffix, Attr("alpha", f.Alpha)),
            "selu" => Node("Selu", [x.Name], suffix, Attr("alpha", 1.6732632423543772848170429916717f),
                Attr("gamma", 1.0507009873554804934193349852946f)),
            "softplus" => Node("Softplus", [x.Name], suffix),
            _ => throw Unsupported($"activation '{f.Name}' has no ONNX export"),
        };
        return x with { Name = name };
    }
}
