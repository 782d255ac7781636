namespace Archive.Api.Tests.Support;

/// <summary>The checkout the tests run from (the folder holding Archive.sln), for checked-in files and tools.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Archive.sln"))) return dir.FullName;
        throw new InvalidOperationException("Archive.sln not found above " + AppContext.BaseDirectory);
    }
}
