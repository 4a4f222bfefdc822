namespace Fovea.Vision.Formats;

/// <summary>An entry of a COCO file's <c>categories</c> list.</summary>
/// <param name="Id">The category id annotations and detections refer to.</param>
/// <param name="Name">Its name.</param>
/// <param name="Supercategory">Its supercategory, or null when the file has none.</param>
public sealed record CocoCategory(int Id, string Name, string? Supercategory = null);
