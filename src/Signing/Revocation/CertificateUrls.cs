using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Signing.Revocation;

/// <summary>Reads OCSP (AIA) and CRL distribution point URLs from a certificate.</summary>
public static class CertificateUrls
{
    public static IReadOnlyList<string> Ocsp(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509AuthorityInformationAccessExtension>().SelectMany(e => e.EnumerateOcspUris()).ToList();

    public static IReadOnlyList<string> CrlDistributionPoints(X509Certificate2 cert)
    {
        var ext = cert.Extensions["2.5.29.31"];
        if (ext is null) return [];
        var urls = new List<string>();
        try
        {
            var reader = new AsnReader(ext.RawData, AsnEncodingRules.DER);
            var points = reader.ReadSequence();
            while (points.HasData)
            {
                var dp = points.ReadSequence();
                if (!dp.HasData || !dp.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) continue;
                var dpName = dp.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                if (!dpName.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) continue;
                var fullName = dpName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                while (fullName.HasData)
                {
                    var tag = fullName.PeekTag();
                    if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 6)))
                        urls.Add(fullName.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
                    else fullName.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException) { /* malformed extension: treat as absent */ }
        return urls;
    }
}
