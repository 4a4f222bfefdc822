using System.CommandLine;
using System.Globalization;
using System.Text;
using Fovea.Vision.Formats;
using Fovea.Vision.Metrics;

namespace Fovea.Cli;

/// <summary><c>fovea evaluate-detections</c>: COCO box evaluation (pycocotools' COCOeval) of a results file against a
/// ground-truth file, printed as one line of JSON.</summary>
internal static class EvaluateDetectionsCommand
{
    public static Command Create()
    {
        var gt = new Option<string>("--gt")
        {
            Description = "COCO ground-truth JSON (images, categories, annotations with bbox, area, iscrowd)",
            Required = true,
        };
        var detections = new Option<string>("--detections")
        {
            Description = "COCO results JSON: a list of {image_id, category_id, bbox, score}",
            Required = true,
        };
        var perCategory = new Option<bool>("--per-category")
        {
            Description = "Also print per_category_ap (AP@[.5:.95]) and per_category_ap50, keyed by category id " +
                "(-1 where a category has no ground truth)",
        };
        var command = new Command("evaluate-detections", "COCO box mAP exactly as pycocotools computes it: prints " +
            "{\"stats\": [12 numbers]} (AP@[.5:.95], AP50, AP75, AP S/M/L, AR@1, AR@10, AR@100, AR S/M/L) on one line")
        {
            gt, detections, perCategory,
        };
        command.SetAction(r =>
        {
            var truth = CocoJson.ReadDataset(r.GetValue(gt)!);
            var results = CocoJson.ReadDetections(r.GetValue(detections)!);
            Console.WriteLine(Format(CocoEvaluator.Evaluate(truth, results), r.GetValue(perCategory)));
            return 0;
        });
        return command;
    }

    /// <summary>One line of JSON; every number in the shortest form that reads back to the same double.</summary>
    internal static string Format(CocoEvaluation evaluation, bool perCategory)
    {
        var sb = new StringBuilder("{\"stats\": [");
        sb.AppendJoin(", ", evaluation.Stats.Select(Number));
        sb.Append(']');
        if (perCategory)
        {
            AppendTable(sb, "per_category_ap", evaluation.PerCategoryAP);
            AppendTable(sb, "per_category_ap50", evaluation.PerCategoryAP50);
        }
        return sb.Append('}').ToString();
    }

    private static void AppendTable(StringBuilder sb, string name, IReadOnlyDictionary<int, double> table)
    {
        sb.Append($", \"{name}\": {{");
        sb.AppendJoin(", ", table.OrderBy(p => p.Key).Select(p =>
            $"\"{p.Key.ToString(CultureInfo.InvariantCulture)}\": {Number(p.Value)}"));
        sb.Append('}');
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
