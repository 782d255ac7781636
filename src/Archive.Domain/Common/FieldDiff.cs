namespace Archive.Domain.Common;

/// <summary>Diffs two text renderings of a record into the changed fields, old and new.</summary>
public static class FieldDiff
{
    public static IReadOnlyList<FieldChange> Between(
        IEnumerable<(string Field, string? Value)> before, IEnumerable<(string Field, string? Value)> after)
    {
        var old = before.ToDictionary(f => f.Field, f => f.Value);
        return after
            .Where(f => !string.Equals(Normalize(old.GetValueOrDefault(f.Field)), Normalize(f.Value), StringComparison.Ordinal))
            .Select(f => new FieldChange(f.Field, Normalize(old.GetValueOrDefault(f.Field)), Normalize(f.Value)))
            .ToList();
    }

    // An empty string and a missing value mean the same to a clerk; do not log them as a change.
    private static string? Normalize(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
