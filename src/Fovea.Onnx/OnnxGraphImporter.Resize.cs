using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Onnx.Ops;

namespace Fovea.Onnx;

internal sealed partial class OnnxGraphImporter
{
    /// <summary>
    /// Resize (opsets 10+) and Upsample (7–9): output sizes are fixed at import from sizes or scales
    /// (out = floor(in·scale)); the batch axis, when it is not resized, follows the running batch.
    /// </summary>
    [OnnxOperator("Resize")]
    [OnnxOperator("Upsample")]
    private void Resize()
    {
        var x = Required(0);
        bool legacy = _node.OpType == "Upsample" || Opset < 11;
        float[]? scales = null;
        int[]? sizes = null;
        if (_node.OpType == "Upsample" && Opset < 9)
            scales = Floats("scales") ?? throw Error("no scales");
        else if (legacy)
            scales = ConstInput(1, "scales").ToArray();
        else
        {
            if (Input(3) is { } s && s.Shape.Length > 0)
                sizes = ConstInts(3, "sizes");
            else if (Input(2) is { } sc && sc.Shape.Length > 0)
                scales = ConstInput(2, "scales").ToArray();
            else
                throw Error("neither scales nor sizes is given");
        }
        var axes = Ints("axes")?.Select(a => (int)(a < 0 ? a + x.Rank : a)).ToArray() ?? Enumerable.Range(0,
            x.Rank).ToArray();
        if ((scales?.Length ?? sizes!.Length) != axes.Length || axes.Any(a => a < 0 || a >= x.Rank))
            throw Error($"{scales?.Length ?? sizes!.Length} scales or sizes for input {x.Shape} (axes " +
                $"[{string.Join(", ", axes)}])");
        if (Str("keep_aspect_ratio_policy", "stretch") != "stretch")
            throw Unsupported($"keep_aspect_ratio_policy '{Str("keep_aspect_ratio_policy", "")}'");
        var outSizes = x.Shape.ToArray();
        var fullScales = Enumerable.Repeat(1f, x.Rank).ToArray();
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i];
            if (scales is not null)
            {
                if (!(scales[i] > 0) || float.IsInfinity(scales[i]))
                    throw Error($"scale {scales[i]} for axis {a} must be positive");
                fullScales[a] = scales[i];
                outSizes[a] = (int)Math.Floor(x.Shape[a] * (double)scales[i]);
            }
            else
            {
                outSizes[a] = sizes![i];
                fullScales[a] = (float)sizes[i] / x.Shape[a];
            }
            if (outSizes[a] <= 0)
                throw Error($"axis {a} of {x.Shape} would be resized to {outSizes[a]} elements");
        }
        CheckSize(outSizes.Aggregate(1L, (p, d) => p * d));
        string mode = Str("mode", "nearest");
        string resizeMode = mode switch
        {
            "nearest" => nameof(ResizeMode.Nearest),
            "linear" or "bilinear" or "trilinear" => nameof(ResizeMode.Linear),
            "cubic" or "bicubic" => nameof(ResizeMode.Cubic),
            _ => throw Unsupported($"mode '{mode}'"),
        };
        if (Int("antialias", 0) != 0 && outSizes.Where((s, a) => s < x.Shape[a]).Any()
            && resizeMode != nameof(ResizeMode.Nearest))
            throw Unsupported("antialiased downsampling");
        string coordinates = legacy ? "asymmetric" : Str("coordinate_transformation_mode", "half_pixel");
        var coordinateMode = coordinates switch
        {
            "half_pixel" => ResizeCoordinates.HalfPixel,
            "pytorch_half_pixel" => ResizeCoordinates.PytorchHalfPixel,
            "align_corners" => ResizeCoordinates.AlignCorners,
            "asymmetric" => ResizeCoordinates.Asymmetric,
            "tf_half_pixel_for_nn" => ResizeCoordinates.TfHalfPixelForNearest,
            "half_pixel_symmetric" => ResizeCoordinates.HalfPixelSymmetric,
            _ => throw Unsupported($"coordinate_transformation_mode '{coordinates}'"),
        };
        string nearestMode = legacy ? (fullScales.Any(s => s < 1) ? "ceil" : "floor") : Str("nearest_mode",
            "round_prefer_floor");
        var nearest = nearestMode switch
        {
            "round_prefer_floor" => NearestRounding.RoundPreferFloor,
            "round_prefer_ceil" => NearestRounding.RoundPreferCeil,
            "floor" => NearestRounding.Floor,
            "ceil" => NearestRounding.Ceil,
            _ => throw Unsupported($"nearest_mode '{nearestMode}'"),
        };
        bool batch = x.BatchMajor && outSizes.Length > 0 && outSizes[0] == x.Shape[0];
        var attrs = new JsonObject
        {
            ["sizes"] = OnnxOpArgs.Array(outSizes), ["batch"] = batch, ["mode"] = resizeMode,
            ["coordinates"] = coordinateMode.ToString(), ["nearest"] = nearest.ToString(),
            ["cubicA"] = Float("cubic_coeff_a", -0.75f), ["excludeOutside"] = Int("exclude_outside", 0) != 0,
        };
        if (scales is not null)
            attrs["scales"] = OnnxOpArgs.Array(fullScales);
        SetOutput(0, Generic("Resize", attrs, [x], x.ElementType, batchMajor: batch));
    }

    /// <summary>Refuses constants or outputs larger than <see cref="OnnxImportOptions.MaxConstantElements"/>.</summary>
    private void CheckSize(long elements)
    {
        if (elements > _options.MaxConstantElements || elements < 0)
            throw Error($"the result would have {elements} elements, more than the {_options.MaxConstantElements} " +
                $"allowed (OnnxImportOptions.MaxConstantElements)");
    }
}
