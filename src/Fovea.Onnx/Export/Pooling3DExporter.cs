using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>
/// MaxPooling3D and AveragePooling3D with explicit pads (Same resolved for the input size); padded cells never win a
/// max and are not counted in an average (count_include_pad 0), as in Fovea.
/// </summary>
[OnnxExporter(typeof(BasePooling3D))]
internal sealed class Pooling3DExporter : LayerExporter<BasePooling3D>
{
    public override OnnxExportTensor Export(BasePooling3D pool, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 5)
            throw context.Unsupported($"expected input [N, C, D, H, W], received {x.Shape}");
        var spatial = x.Shape.Dims[2..];
        var (before, after) = pool.Pads(spatial);
        var attributes = new List<OnnxAttribute>
        {
            new("kernel_shape", pool.PoolSize.ToArray()), new("strides", pool.Strides.ToArray()),
            new("pads", [.. before, .. after]),
        };
        bool max = pool is MaxPooling3D;
        if (!max)
            attributes.Add(new OnnxAttribute("count_include_pad", 0L));
        string y = context.Node(max ? "MaxPool" : "AveragePool", [x.Name], null, [.. attributes]);
        return x with { Name = y, Shape = new Shape([x.Shape[0], x.Shape[1], .. pool.OutputSpatial(spatial)!]) };
    }
}
