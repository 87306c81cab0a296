import picomatch from "picomatch";
const [glob, path] = [Deno.args[0], Deno.args[1]];
const re = picomatch.makeRe(glob, { dot: true, windows: false }) as RegExp;
const s = performance.now();
re.test(path);
console.log(glob.slice(0, 40), Math.round(performance.now() - s));
