namespace Signing.Tests.Support;

public static class SignFiles
{
    public static async Task<(string Path, SignResult Result)> Sign(TestPki pki, string input, PadesSignOptions options)
    {
        var output = pki.NewPath("signed.pdf");
        await using var inStream = File.OpenRead(input);
        await using var outStream = File.Create(output);
        var result = await new PadesSigner().SignAsync(inStream, outStream, options, CancellationToken.None);
        return (output, result);
    }

    /// <summary>Signs into memory so a failing call can be checked to have written nothing.</summary>
    public static async Task<(MemoryStream Output, Exception? Error)> TrySign(string input, PadesSignOptions options)
    {
        var output = new MemoryStream();
        await using var inStream = File.OpenRead(input);
        try
        {
            await new PadesSigner().SignAsync(inStream, output, options, CancellationToken.None);
            return (output, null);
        }
        catch (Exception e)
        {
            return (output, e);
        }
    }
}
