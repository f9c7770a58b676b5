// seedrandom ships its generators as separate CommonJS files; importing the Alea file alone keeps
// the Node-only `crypto` require of seedrandom's default ARC4 generator out of browser bundles.
declare module 'seedrandom/lib/alea.js' {
  interface AleaState {
    c: number;
    s0: number;
    s1: number;
    s2: number;
  }
  interface AleaPrng {
    (): number;
    int32(): number;
    double(): number;
    quick(): number;
    state(): AleaState;
  }
  function alea(seed: string, options?: { state?: boolean | AleaState }): AleaPrng;
  export default alea;
}
