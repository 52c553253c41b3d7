using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>
/// The scores of a K-class classifier on some rows, from its K×K confusion matrix (rows = true
/// class, columns = predicted class). Every mean over classes is over the classes present in the
/// rows (a true count above 0): a class absent from the rows has no recall to average.
/// Recall_c = hits_c / true_c; precision_c = hits_c / predicted_c, 0 when c is never predicted;
/// F1_c = 2·P·R / (P + R), 0 when P + R = 0. Balanced accuracy = mean recall over present classes;
/// macro-F1 = mean F1 over present classes.
/// </summary>
/// <param name="Classes">Class names, index = class.</param>
/// <param name="Matrix">Matrix[true][predicted]: rows counted.</param>
/// <param name="Accuracy">Share of rows predicted right.</param>
/// <param name="Recall">Per class; null for a class absent from the rows.</param>
/// <param name="F1">Per class; null for a class absent from the rows.</param>
/// <param name="BalancedAccuracy">Mean recall over the classes present.</param>
/// <param name="MacroF1">Mean F1 over the classes present.</param>
public sealed record ClassMetrics(string[] Classes, int[][] Matrix, double Accuracy, double?[] Recall, double?[] F1, double BalancedAccuracy, double MacroF1)
{
    /// <summary>The scores of <paramref name="predicted"/> against <paramref name="labels"/> over <paramref name="rows"/> (indices into both).</summary>
    public static ClassMetrics Of(string[] classes, IReadOnlyList<int> rows, int[] labels, int[] predicted)
    {
        int k = classes.Length;
        var matrix = new int[k][];
        for (int c = 0; c < k; c++)
        {
            matrix[c] = new int[k];
        }

        foreach (int row in rows)
        {
            matrix[labels[row]][predicted[row]]++;
        }

        int correct = 0;
        var recall = new double?[k];
        var f1 = new double?[k];
        for (int c = 0; c < k; c++)
        {
            int hits = matrix[c][c];
            correct += hits;
            int actual = matrix[c].Sum();
            if (actual == 0)
            {
                continue;
            }

            int predictedAs = matrix.Sum(r => r[c]);
            double r = (double)hits / actual;
            double p = predictedAs == 0 ? 0 : (double)hits / predictedAs;
            recall[c] = r;
            f1[c] = p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        return new ClassMetrics(classes, matrix, (double)correct / rows.Count, recall, f1,
            recall.Where(r => r.HasValue).Average(r => r!.Value), f1.Where(f => f.HasValue).Average(f => f!.Value));
    }

    /// <summary>Every row of the labels, in order.</summary>
    public static ClassMetrics Of(string[] classes, int[] labels, int[] predicted) =>
        Of(classes, Enumerable.Range(0, labels.Length).ToArray(), labels, predicted);

    /// <summary>Class names 0 to K - 1, for a model whose labels are the class indices.</summary>
    public static string[] IndexNames(int classes) => Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The confusion matrix and per-class figures as Spectre tables, and the summary lines.</summary>
    public void Write(IAnsiConsole console, string title)
    {
        var matrix = new Table().AddColumn($"{title}: true \\ predicted");
        foreach (string name in Classes)
        {
            matrix.AddColumn(Markup.Escape(name));
        }

        matrix.AddColumn("recall").AddColumn("F1");
        for (int c = 0; c < Classes.Length; c++)
        {
            var cells = new List<string> { Markup.Escape(Classes[c]) };
            cells.AddRange(Matrix[c].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            cells.Add(Recall[c] is double r ? $"{r:P2}" : "(absent)");
            cells.Add(F1[c] is double f ? $"{f:P2}" : "(absent)");
            matrix.AddRow(cells.ToArray());
        }

        console.Write(matrix);
        console.WriteLine($"accuracy {Accuracy:P2}, balanced accuracy {BalancedAccuracy:P2}, macro-F1 {MacroF1:P2} (means over the {Recall.Count(r => r.HasValue)} classes present)");
    }
}
