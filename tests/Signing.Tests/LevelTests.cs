using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Signing.Pdf;
using Signing.Tests.Support;

namespace Signing.Tests;

[Collection(PkiCollection.Name)]
public sealed class LevelTests(TestPki pki)
{
    private static PdfDictionary Dss(string path)
    {
        var doc = new PdfDocumentReader(File.ReadAllBytes(path));
        return doc.Resolve(doc.Catalog["DSS"]) as PdfDictionary ?? throw new ShouldAssertException("no /DSS in the catalog");
    }

    private static int Count(string path, PdfDictionary dss, string key)
    {
        var doc = new PdfDocumentReader(File.ReadAllBytes(path));
        return (doc.Resolve(dss[key]) as PdfArray)?.Items.Count ?? 0;
    }

    [Fact]
    public async Task a_b_t_signature_carries_a_signature_timestamp_over_the_signature_value()
    {
        var (signed, result) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options(PadesLevel.B_T));

        var file = await File.ReadAllBytesAsync(signed);
        var sig = SignatureDictionaries.Read(new PdfDocumentReader(file)).Single();
        var cms = new SignedCms(new ContentInfo(sig.SignedBytes(file)), true);
        cms.Decode(sig.ContentsWithoutPadding());
        var tsAttr = cms.SignerInfos[0].UnsignedAttributes.Cast<CryptographicAttributeObject>()
            .Single(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14");
        Rfc3161TimestampToken.TryDecode(tsAttr.Values[0].RawData, out var token, out _).ShouldBeTrue();
        token!.VerifySignatureForSignerInfo(cms.SignerInfos[0], out _).ShouldBeTrue();
        result.TimestampTime.ShouldNotBeNull();
        result.Level.ShouldBe(PadesLevel.B_T);
        IndependentChecks.All(pki, signed, 1);
        Environment.GetEnvironmentVariable("SIGNING_TESTS_KEEP")?.Let(dir => File.Copy(signed, Path.Combine(dir, "b-t.pdf"), true));
    }

    [Fact]
    public async Task a_b_lt_signature_adds_a_dss_with_certificates_and_ocsp_responses_in_a_later_revision()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.ObjectStreams, pki.Options(PadesLevel.B_LT));

        var dss = Dss(signed);
        Count(signed, dss, "Certs").ShouldBeGreaterThanOrEqualTo(4, "signer, intermediate, root and TSA");
        Count(signed, dss, "OCSPs").ShouldBeGreaterThanOrEqualTo(3, "signer, intermediate and TSA certificates");
        var file = await File.ReadAllBytesAsync(signed);
        var sig = SignatureDictionaries.Read(new PdfDocumentReader(file)).Single();
        sig.CoversWholeFile(file.Length).ShouldBeFalse("the DSS is appended after the signature");
        // pdfsig reports the signature valid but not covering the DSS revision.
        var r = Tools.Run("pdfsig", "-nssdir", "sql:" + pki.NssDir, signed);
        r.Stdout.ShouldContain("Signature is Valid.");
        IndependentChecks.QpdfCheck(signed);
        IndependentChecks.OpensslVerifiesEverySignature(pki, signed);
    }

    [Fact]
    public async Task without_an_ocsp_responder_a_b_lt_signature_stores_crls_instead()
    {
        var crlOnly = new Development.DevelopmentPki("Tổ chức chỉ có CRL", ocspUrl: null, crlUrlFor: pki.Server.CrlUrlFor);
        pki.Server.Serve(crlOnly);
        var signer = new Signers.Pkcs12Signer(crlOnly.ExportPkcs12(crlOnly.Organization, "x"), "x");
        var options = pki.Options(PadesLevel.B_LT, signer) with { TrustAnchors = [crlOnly.Root, pki.Pki.Root] };

        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, options);

        var dss = Dss(signed);
        Count(signed, dss, "CRLs").ShouldBeGreaterThanOrEqualTo(2, "CRLs of the issuing CA and of the root");
        Count(signed, dss, "OCSPs").ShouldBeGreaterThanOrEqualTo(1, "the TSA's certificates still use OCSP");
        IndependentChecks.QpdfCheck(signed);
        var ca = pki.NewPath("crl-only-root.pem");
        await File.WriteAllTextAsync(ca, crlOnly.Root.ExportCertificatePem());
        IndependentChecks.OpensslVerifiesEverySignature(pki, signed, ca);
    }

    [Fact]
    public async Task a_b_lta_signature_ends_with_a_document_timestamp_over_the_dss()
    {
        var (signed, result) = await SignFiles.Sign(pki, pki.Inputs.PdfSharp, pki.Options(PadesLevel.B_LTA));

        var file = await File.ReadAllBytesAsync(signed);
        var sigs = SignatureDictionaries.Read(new PdfDocumentReader(file));
        sigs.Select(s => s.SubFilter).ShouldBe(["ETSI.CAdES.detached", "ETSI.RFC3161"]);
        sigs[1].Type.ShouldBe("DocTimeStamp");
        sigs[1].CoversWholeFile(file.Length).ShouldBeTrue();
        VerifyDocumentTimestamp(file, sigs[1]);
        result.Level.ShouldBe(PadesLevel.B_LTA);
        Dss(signed).ShouldNotBeNull();
        IndependentChecks.All(pki, signed, 2, pki.Inputs.PdfSharp);
    }

    [Fact]
    public async Task a_fresh_document_timestamp_can_be_added_later_and_every_signature_stays_valid()
    {
        var (signed, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options(PadesLevel.B_LTA));
        var renewed = pki.NewPath("renewed.pdf");
        await using (var input = File.OpenRead(signed))
        await using (var output = File.Create(renewed))
            await new PadesSigner().AddDocumentTimestampAsync(input, output,
                new DocumentTimestampOptions { TimestampClient = pki.Tsa, TrustAnchors = pki.Anchors }, CancellationToken.None);

        var file = await File.ReadAllBytesAsync(renewed);
        var sigs = SignatureDictionaries.Read(new PdfDocumentReader(file));
        sigs.Count(s => s.Type == "DocTimeStamp").ShouldBe(2);
        VerifyDocumentTimestamp(file, sigs[^1]);
        IndependentChecks.All(pki, renewed, 3);
        // Renewal rewrites the DSS dictionary to add material: our validator must count that as allowed validation data.
        var report = await new Signing.Validation.PdfSignatureValidator().ValidateAsync(new MemoryStream(file),
            new Signing.Validation.ValidationOptions { TrustAnchors = [.. pki.Anchors], Revocation = Signing.Validation.RevocationMode.Offline },
            CancellationToken.None);
        report.DocumentIndication.ShouldBe(Signing.Validation.Indication.TOTAL_PASSED, Signing.Validation.ReportRenderer.ToJson(report));
    }

    [Fact]
    public async Task a_b_lta_file_signed_twice_keeps_every_signature_and_timestamp_valid()
    {
        var (once, _) = await SignFiles.Sign(pki, pki.Inputs.Ghostscript, pki.Options(PadesLevel.B_LTA));
        var (twice, result) = await SignFiles.Sign(pki, once, pki.Options(PadesLevel.B_LTA));

        var file = await File.ReadAllBytesAsync(twice);
        var first = await File.ReadAllBytesAsync(once);
        file[..first.Length].ShouldBe(first); // incremental: the once-signed file is a byte-exact prefix
        var sigs = SignatureDictionaries.Read(new PdfDocumentReader(file));
        sigs.Select(s => s.SubFilter).ShouldBe(["ETSI.CAdES.detached", "ETSI.RFC3161", "ETSI.CAdES.detached", "ETSI.RFC3161"]);
        VerifyDocumentTimestamp(file, sigs[1]);
        VerifyDocumentTimestamp(file, sigs[3]);
        result.Level.ShouldBe(PadesLevel.B_LTA);
        var pdfsig = IndependentChecks.Pdfsig(pki, twice, 4);
        IndependentChecks.All(pki, twice, 4);
        // Our validator: both signatures reach B-LTA, the second through the later, larger DSS (the file already had
        // one before it was signed again).
        var report = await new Signing.Validation.PdfSignatureValidator().ValidateAsync(new MemoryStream(file),
            new Signing.Validation.ValidationOptions { TrustAnchors = [.. pki.Anchors], Revocation = Signing.Validation.RevocationMode.Offline },
            CancellationToken.None);
        report.DocumentIndication.ShouldBe(Signing.Validation.Indication.TOTAL_PASSED, Signing.Validation.ReportRenderer.ToJson(report));
        report.Signatures.Where(s => s.Level != "DocTimeStamp").Select(s => s.Level).ShouldBe(["B-LTA", "B-LTA"]);
        // Evidence for people (closing notes, reviews): the file, its trust root and pdfsig's words.
        if (Environment.GetEnvironmentVariable("ARCHIVE_EVIDENCE_DIR") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.Copy(twice, Path.Combine(dir, "b-lta-signed-twice.pdf"), overwrite: true);
            File.Copy(pki.RootPem, Path.Combine(dir, "test-root.pem"), overwrite: true);
            await File.WriteAllTextAsync(Path.Combine(dir, "b-lta-signed-twice.pdfsig.txt"), pdfsig);
        }
    }

    private static void VerifyDocumentTimestamp(byte[] file, PdfSignatureInfo sig)
    {
        Rfc3161TimestampToken.TryDecode(sig.ContentsWithoutPadding(), out var token, out _).ShouldBeTrue();
        token!.VerifySignatureForData(sig.SignedBytes(file), out _).ShouldBeTrue();
    }
}
