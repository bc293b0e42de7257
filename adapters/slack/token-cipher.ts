import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Seals what is stored of an installation (its tokens): AES-256-GCM with a key derived from WEAVER_SECRET_KEY. */
export type TokenCipher = Readonly<{ seal(plain: string): string; open(stored: string): string }>;

const prefix = 'enc:v1:';

/** Without a key, tokens are stored as Slack gives them (the contract's choice); a sealed value then cannot be read. */
export function createTokenCipher(secretKey: string | undefined): TokenCipher {
  if (!secretKey) {
    return {
      seal: (plain) => plain,
      open(stored) {
        if (stored.startsWith(prefix))
          throw new Error('A Slack installation is encrypted, but WEAVER_SECRET_KEY is not set; set it as it was when the workspace installed Weaver.');
        return stored;
      },
    };
  }
  // A key of its own for this purpose, so that sign-in signatures and stored tokens never share one.
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'weaver', 'slack installation tokens', 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${prefix}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${sealed.toString('base64url')}`;
    },
    open(stored) {
      // Rows stored before the key was set are still read; the next save seals them.
      if (!stored.startsWith(prefix)) return stored;
      const [iv, tag, sealed] = stored.slice(prefix.length).split('.');
      if (!iv || !tag || sealed === undefined) throw new Error('A stored Slack installation is damaged.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('A stored Slack installation cannot be decrypted: WEAVER_SECRET_KEY differs from the one it was stored with.');
      }
    },
  };
}
