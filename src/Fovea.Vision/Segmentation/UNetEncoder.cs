namespace Fovea.Vision.Segmentation;

/// <summary>A torchvision zoo network as the encoder of <see cref="UNet.WithEncoder"/>: its layers keep torchvision's
/// names, so a torchvision classifier's state dict loads into the encoder with
/// <c>LoadStateDict(path, strict: false)</c>.</summary>
public enum UNetEncoder
{
    /// <summary>ResNet-18: skips from relu (64 channels, stride 2), layer1 (64, 4), layer2 (128, 8), layer3 (256,
    /// 16); layer4 (512, 32) at the bottom.</summary>
    ResNet18,

    /// <summary>ResNet-34: as ResNet-18, with more blocks.</summary>
    ResNet34,

    /// <summary>ResNet-50: skips from relu (64), layer1 (256), layer2 (512), layer3 (1024); layer4 (2048).</summary>
    ResNet50,

    /// <summary>MobileNetV3-Large: skips from features.1 (16), .3 (24), .6 (40), .12 (112); features.16 (960).
    /// </summary>
    MobileNetV3Large,

    /// <summary>EfficientNet-B0: skips from features.1 (16), .2 (24), .3 (40), .5 (112); features.8 (1280).</summary>
    EfficientNetB0,
}
