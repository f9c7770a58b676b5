/** The parts of SIM.JS (`simjs` on npm, untyped) that the PHOLD peer benchmark uses. */
declare module 'simjs' {
  export class Request {
    deliverAt: number;
    done(callback: (this: Entity) => void, context?: object): Request;
  }
  export class Entity {
    constructor(sim: Sim, name?: string);
    setTimer(duration: number): Request;
    time(): number;
  }
  export class Sim {
    queue: { data: Request[] };
    addEntity<T extends Entity>(klass: new (sim: Sim, name?: string) => T): T;
    step(): boolean;
    time(): number;
  }
  const simjs: { Sim: typeof Sim; Entity: typeof Entity };
  export default simjs;
}
