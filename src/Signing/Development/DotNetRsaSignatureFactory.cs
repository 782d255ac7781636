using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace Signing.Development;

/// <summary>
/// SHA-256 with RSA (PKCS #1 v1.5) for BouncyCastle's generators, computed by the key's own .NET (OpenSSL) RSA. The development
/// TSA and OCSP responder answer inside the archive's process, once or twice per signature: BouncyCastle's managed RSA took
/// about 30% of a digitization worker's own CPU (December 2026 profile); OpenSSL does the same signature several times faster.
/// </summary>
internal sealed class DotNetRsaSignatureFactory(RSA key) : ISignatureFactory
{
    public object AlgorithmDetails { get; } = new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance);

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(key);

    private sealed class Calculator(RSA key) : IStreamCalculator<IBlockResult>
    {
        private readonly MemoryStream _data = new();

        public Stream Stream => _data;

        // ToArray: BouncyCastle closes the stream before asking for the result, and a closed MemoryStream still gives its bytes.
        public IBlockResult GetResult() => new SimpleBlockResult(key.SignData(_data.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
