namespace Fovea.Vision.Formats;

/// <summary>An entry of a COCO file's <c>images</c> list.</summary>
/// <param name="Id">The image id annotations refer to.</param>
/// <param name="FileName">The image file, relative to the images folder (<c>file_name</c>); may be empty.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record CocoImage(long Id, string FileName, int Width, int Height);
