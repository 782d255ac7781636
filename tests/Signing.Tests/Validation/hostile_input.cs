using System.Text;
using Signing.Tests.Validation.Corpus;
using Signing.Validation;
using static Signing.Tests.Validation.Corpus.Scenario;

namespace Signing.Tests.Validation;

public class hostile_input
{
    private static readonly Lazy<byte[]> SignedFile = new(() => Signed(By(Pki.Signer) with { Timestamp = (Pki.Tsa, TestPki.Now.AddDays(-1)) }).ToArray());

    private static string Sig(string byteRange, string contents) =>
        $"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange {byteRange} /Contents <{contents}> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

    public static TheoryData<string, byte[]> Inputs() => new()
    {
        { "empty file", [] },
        { "not a pdf", "hello, this is not a PDF"u8.ToArray() },
        { "truncated signed file", SignedFile.Value[..(SignedFile.Value.Length / 2)] },
        { "broken xref", Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(SignedFile.Value).Replace("xref", "xxxx").Replace("startxref", "startxxxx")) },
        { "cyclic references", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /DSS 2 0 R /Perms 3 0 R >>\nendobj\n2 0 obj\n3 0 R\nendobj\n3 0 obj\n2 0 R\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n") },
        { "huge length", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<< /Length 99999999999999 >>\nstream\nabc\nendstream\nendobj\n%%EOF\n") },
        { "deep nesting", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n" + new string('[', 100_000) + "\nendobj\n%%EOF\n") },
        { "byte range outside the file", Encoding.ASCII.GetBytes(Sig("[0 10 20 999999]", "3082")) },
        { "cms that is not cms", Encoding.ASCII.GetBytes(Sig("[0 100 120 50]", "DEADBEEF")) },
        { "signature over nothing", Encoding.ASCII.GetBytes(Sig("[0 0 0 0]", "")) },
        { "byte range with negative numbers", Encoding.ASCII.GetBytes(Sig("[0 -5 10 -3]", "00")) },
        { "byte range of wrong shape", Encoding.ASCII.GetBytes(Sig("[(a) /b]", "00")) },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void hostile_files_yield_a_report_with_a_reason(string name, byte[] input)
    {
        var report = Validate(input, Offline);
        report.DocumentIndication.ShouldNotBe(Indication.TOTAL_PASSED, name);
        (report.Problems.Count + report.Signatures.Count).ShouldBeGreaterThan(0, name);
        report.Signatures.ShouldAllBe(s => s.Indication != Indication.TOTAL_PASSED && s.Checks.Count > 0);
    }

    [Fact]
    public void a_file_over_the_size_limit_is_refused_with_a_reason()
    {
        var report = Validate(SignedFile.Value, Offline with { MaxFileBytes = 1000 });
        report.DocumentIndication.ShouldBe(Indication.INDETERMINATE);
        report.Problems.ShouldHaveSingleItem().ShouldContain("larger than");
    }

    [Fact]
    public async Task a_cancelled_validation_returns_an_indeterminate_report()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var report = await new PdfSignatureValidator().ValidateAsync(new MemoryStream(SignedFile.Value), Offline, cts.Token);
        report.DocumentIndication.ShouldBe(Indication.INDETERMINATE);
        report.Problems.ShouldHaveSingleItem().ShouldContain("cancelled");
    }

    [Fact]
    public void an_exhausted_time_budget_returns_an_indeterminate_report()
    {
        var report = Validate(SignedFile.Value, Offline with { TimeBudget = TimeSpan.Zero });
        report.DocumentIndication.ShouldBe(Indication.INDETERMINATE);
        report.Problems.ShouldHaveSingleItem().ShouldContain("time budget");
    }

    [Fact]
    public void too_many_objects_are_refused_with_a_reason()
    {
        var report = Validate(SignedFile.Value, Offline with { MaxObjects = 3 });
        report.DocumentIndication.ShouldBe(Indication.TOTAL_FAILED);
        report.Problems.ShouldHaveSingleItem().ShouldContain("objects");
    }

    [Fact]
    public async Task two_thousand_seeded_mutations_of_a_signed_file_never_escape_as_exceptions()
    {
        var original = SignedFile.Value;
        var rng = new Random(20261122);
        var validator = new PdfSignatureValidator();
        var options = Offline;
        int passed = 0;
        for (int i = 0; i < 2000; i++)
        {
            var mutated = Mutate(original, rng);
            ValidationReport? report = null;
            Exception? escaped = null;
            try { report = await validator.ValidateAsync(new MemoryStream(mutated), options, CancellationToken.None); }
            catch (Exception e) { escaped = e; }
            if (report is not null && report.DocumentIndication == Indication.TOTAL_PASSED) passed++;
            // Only mutations outside the signed bytes may leave a signature passing; the signed bytes must be intact.
            bool ok = report is not null && (report.DocumentIndication != Indication.TOTAL_PASSED || report.Signatures.All(s => s.IntegrityValid == true));
            if (!ok)
            {
                // The signed input uses fresh keys per run, so keep the failing file to reproduce the case.
                var path = Path.Combine(Path.GetTempPath(), $"fuzz-case-{i}.pdf");
                File.WriteAllBytes(path, mutated);
                ok.ShouldBeTrue($"case {i} saved to {path}: {escaped}");
            }
        }
        passed.ShouldBeLessThan(2000);
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var data = (byte[])original.Clone();
        switch (rng.Next(5))
        {
            case 0: // flip a few bytes
                for (int k = rng.Next(1, 4); k > 0; k--) data[rng.Next(data.Length)] ^= (byte)(1 << rng.Next(8));
                return data;
            case 1: // truncate
                return data[..rng.Next(data.Length)];
            case 2: // overwrite a run with a PDF token
                string[] tokens = ["<<", ">>", "[", "]", "obj", "endobj", "stream", "%%EOF", "/ByteRange [0 1 2 3]", "99999999999", "R", "(", ")"];
                var t = Encoding.ASCII.GetBytes(tokens[rng.Next(tokens.Length)]);
                int at = rng.Next(data.Length - t.Length);
                t.CopyTo(data, at);
                return data;
            case 3: // duplicate a slice (as an attacker's appended "revision")
                int from = rng.Next(data.Length), len = rng.Next(1, Math.Min(4096, data.Length - from));
                return data.Concat(data.AsSpan(from, len).ToArray()).ToArray();
            default: // remove a slice
                int s = rng.Next(data.Length), l = rng.Next(1, Math.Min(512, data.Length - s) + 1);
                return data[..s].Concat(data[(s + l)..]).ToArray();
        }
    }
}
