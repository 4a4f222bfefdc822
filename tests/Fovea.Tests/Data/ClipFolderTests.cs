using Fovea.Data;
using SkiaSharp;
using Xunit;

namespace Fovea.Tests.Data;

/// <summary>
/// <see cref="ClipFolder"/> on a small folder written by the test: class/clip/frame layout, frames in numeric order,
/// channels-first [N, C, T, H, W] layout, temporal resampling, and errors that name the folder or file.
/// </summary>
public sealed class ClipFolderTests
{
    /// <summary>A flat 4×4 PNG of one colour (exact after decoding).</summary>
    private static void WriteFrame(string path, byte red, byte green, byte blue)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(new SKColor(red, green, blue));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void Load_ClassAndClipFolders_FramesInNumericOrder_ChannelsFirst()
    {
        using var dir = new TempFolder();
        // "up" holds one clip of frames 1, 2, 10 (numeric order differs from ordinal order), "down" two clips.
        WriteFrame(dir.File("up/clip_a/frame_1.png"), 10, 20, 30);
        WriteFrame(dir.File("up/clip_a/frame_10.png"), 50, 60, 70);
        WriteFrame(dir.File("up/clip_a/frame_2.png"), 30, 40, 50);
        for (int t = 0; t < 3; t++)
        {
            WriteFrame(dir.File($"down/c1/{t}.png"), (byte)(100 + t), 0, 0);
            WriteFrame(dir.File($"down/c2/{t}.png"), (byte)(200 + t), 0, 0);
        }
        File.WriteAllText(dir.File("down/c1/notes.txt"), "not a frame");

        var clips = ClipFolder.Load(dir.Path, frames: 3, imageSize: 4);
        Assert.Equal(["down", "up"], clips.ClassNames);
        Assert.Equal(new Tensors.Shape(3, 3, 3, 4, 4), clips.Dataset.Features.Shape);
        Assert.Equal([0f, 0f, 1f], clips.Dataset.Labels.ToArray());
        Assert.EndsWith("c2", clips.Clips[1]);
        var x = clips.Dataset.Features.ToArray();
        // Clip 2 (up/clip_a), channel c, frame t starts at ((2·3 + c)·3 + t)·16.
        float At(int clip, int c, int t) => x[((clip * 3 + c) * 3 + t) * 16 + 5];
        Assert.Equal([10f, 30f, 50f], Enumerable.Range(0, 3).Select(t => MathF.Round(At(2, 0, t) * 255f)));
        Assert.Equal([30f, 50f, 70f], Enumerable.Range(0, 3).Select(t => MathF.Round(At(2, 2, t) * 255f)));
        Assert.Equal([201f, 0f], new[] { At(1, 0, 1), At(1, 1, 1) }.Select(v => MathF.Round(v * 255f)));
    }

    [Fact]
    public void Load_OtherFrameCount_ResamplesEvenlyInTime()
    {
        using var dir = new TempFolder();
        for (int t = 0; t < 5; t++)
            WriteFrame(dir.File($"a/clip/{t:D3}.png"), (byte)(10 * t), 0, 0);
        var three = ClipFolder.Load(dir.Path, frames: 3, imageSize: 4, color: ColorMode.Grayscale).Dataset.Features;
        Assert.Equal(new Tensors.Shape(1, 1, 3, 4, 4), three.Shape);
        var v = three.ToArray();
        // frames round(t·4/2) = 0, 2, 4; a red value r in grayscale is the luma of (r, 0, 0): compare to frame 4's.
        Assert.Equal(0f, v[0]);
        Assert.Equal(v[2 * 16] / 2, v[16], 2);
    }

    [Fact]
    public void Load_EmptyClipOrMissingFolder_ThrowsNamingIt()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("a/empty_clip"));
        var e = Assert.Throws<FoveaException>(() => ClipFolder.Load(dir.Path, 2, 4));
        Assert.Contains("empty_clip", e.Message);
        Assert.Throws<FoveaException>(() => ClipFolder.Load(dir.File("missing"), 2, 4));
        File.WriteAllText(dir.File("a/empty_clip/0.png"), "not a png");
        var corrupt = Assert.Throws<FoveaException>(() => ClipFolder.Load(dir.Path, 2, 4));
        Assert.Contains("0.png", corrupt.Message);
    }
}
