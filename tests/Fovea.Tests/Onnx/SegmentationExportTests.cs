using Fovea.Models;
using Fovea.Vision.Segmentation;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Onnx;

/// <summary>
/// Fovea.Vision's segmentation models exported to ONNX and run by ONNX Runtime (the oracle) and re-imported: every
/// output (DeepLabV3's <c>out</c> and <c>aux</c>) equals Fovea's, at batch sizes 1 and 2. Tolerance 1e−5 of the
/// largest |logit|: tens of float32 convolutions whose summation order differs between Fovea and ONNX Runtime
/// (~1e−7 relative each). Measured: 0.5e−6 (U-Net) to 1.5e−6 (LR-ASPP) of the largest logit.
/// </summary>
public sealed class SegmentationExportTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new(["lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large",
        "unet", "deeplabv3plus_mobilenet"]);

    [Theory]
    [MemberData(nameof(Models))]
    public void Export_SegmentationModel_MatchesOnnxRuntime(string name)
    {
        Model model = name switch
        {
            "unet" => UNet.Create(3, [3, 32, 32], depth: 3, filters: 8),
            "deeplabv3plus_mobilenet" => DeepLabV3Plus.Create(3, [3, 33, 33], DeepLabBackbone.MobileNetV3Large),
            _ => SegmentationZoo.Create(name, 5, [3, 33, 33]),
        };
        var r = ExportCheck.Run(model, 1e-5, [1, 2], name, scaled: true);
        output.WriteLine($"{name}: {r}");
    }
}
