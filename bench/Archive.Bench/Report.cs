using System.Globalization;

namespace Archive.Bench;

public static class Report
{
    /// <summary>One collectable line per figure: <c>figure &lt;name&gt; &lt;value&gt; &lt;unit&gt;</c>.</summary>
    public static void Figure(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"figure {name} {value:0.###} {unit}"));
}
