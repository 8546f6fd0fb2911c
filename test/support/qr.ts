// Reads a QR code the way a phone does: rasterises the SVG's module rectangles to pixels and decodes them
// with a real QR decoder (jsQR). No string matching on the SVG.
import jsQR from "jsqr";

export function decodeQrSvg(svg: string, scale = 2): string | null {
  const viewBox = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!viewBox) throw new Error("no viewBox");
  const width = Math.ceil(Number(viewBox[1]) * scale);
  const height = Math.ceil(Number(viewBox[2]) * scale);
  const pixels = new Uint8ClampedArray(width * height * 4).fill(255);
  const d = /\sd="([^"]+)"/.exec(svg)?.[1] ?? "";
  // qrcode-svg (join: true) draws each dark module as "M x,y V y2 H x2 V y H x Z".
  for (const m of d.matchAll(/M([\d.]+),([\d.]+) V([\d.]+) H([\d.]+)/g)) {
    const [x1, y1, y2, x2] = [m[1], m[2], m[3], m[4]].map((v) => Math.round(Number(v) * scale)) as [number, number, number, number];
    for (let y = Math.min(y1, y2); y < Math.max(y1, y2); y++) {
      for (let x = Math.min(x1, x2); x < Math.max(x1, x2); x++) {
        const i = (y * width + x) * 4;
        pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
      }
    }
  }
  return jsQR(pixels, width, height)?.data ?? null;
}
