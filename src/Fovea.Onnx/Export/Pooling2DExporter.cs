using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx.Export;

/// <summary>
/// MaxPooling2D and AveragePooling2D with explicit pads (Same resolved for the input size); padded cells never win a
/// max and are not counted in an average (count_include_pad 0), as in Fovea, unless the AveragePooling2D counts them
/// (count_include_pad 1).
/// </summary>
[OnnxExporter(typeof(BasePooling2D))]
internal sealed class Pooling2DExporter : LayerExporter<BasePooling2D>
{
    public override OnnxExportTensor Export(BasePooling2D pool, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        int h = x.Shape[2], w = x.Shape[3];
        var (top, left, bottom, right) = pool.Padding.Resolve(h, w, pool.PoolSize, pool.Strides, 1);
        var (kh, kw) = (pool.PoolSize.Height, pool.PoolSize.Width);
        var (sh, sw) = (pool.Strides.Height, pool.Strides.Width);
        var attributes = new List<OnnxAttribute>
        {
            new("kernel_shape", [kh, kw]), new("strides", [sh, sw]), new("pads", [top, left, bottom, right]),
        };
        bool max = pool is MaxPooling2D;
        if (!max)
            attributes.Add(new OnnxAttribute("count_include_pad", pool is AveragePooling2D { CountIncludePad: true } ? 1L : 0L));
        string y = context.Node(max ? "MaxPool" : "AveragePool", [x.Name], null, [.. attributes]);
        int oh = (h + top + bottom - kh) / sh + 1, ow = (w + left + right - kw) / sw + 1;
        return x with { Name = y, Shape = new Shape(x.Shape[0], x.Shape[1], oh, ow) };
    }
}
